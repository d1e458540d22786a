using System.Net;
using System.Net.Http.Headers;
using LlmObserve.Core.Ingestion;

namespace LlmObserve.Bench;

/// <summary>The durable writer called in process: no HTTP, no decoding, no mapping.</summary>
internal sealed class WriterTarget(ISpanWriter writer, TraceWorkload workload, string projectId) : IIngestTarget
{
    public object Prepare(TraceWorkload.TraceSlice slice)
        => IngestBatch.OfSpans(projectId, workload.ToEntities(projectId, slice));

    public async Task<SendOutcome> SendAsync(object prepared, CancellationToken cancellationToken)
    {
        try
        {
            await writer.WriteAsync((IngestBatch)prepared, cancellationToken);
            return SendOutcome.Acknowledged;
        }
        catch (IngestionSaturatedException)
        {
            return SendOutcome.Refused;
        }
    }
}

/// <summary>OTLP/HTTP protobuf to <c>/v1/traces</c> on loopback, as an OTel SDK exporter sends it.</summary>
internal sealed class OtlpHttpTarget(HttpClient client, TraceWorkload workload, string secretKey) : IIngestTarget
{
    private static readonly MediaTypeHeaderValue Protobuf = new("application/x-protobuf");

    public object Prepare(TraceWorkload.TraceSlice slice) => workload.ToPooledOtlpProtobuf(slice);

    public async Task<SendOutcome> SendAsync(object prepared, CancellationToken cancellationToken)
    {
        var (buffer, length) = ((byte[], int))prepared;
        try
        {
            return await SendAsync(buffer, length, cancellationToken);
        }
        finally
        {
            TraceWorkload.Return(buffer);
        }
    }

    /// <summary>Sends one request and gives its HTTP status, for the probe before the measured phases.</summary>
    public async Task<HttpStatusCode> ProbeAsync(TraceWorkload.TraceSlice slice, CancellationToken cancellationToken)
    {
        var body = workload.ToOtlpProtobuf(slice);
        using var response = await PostAsync(body, body.Length, cancellationToken);
        return response.StatusCode;
    }

    private async Task<SendOutcome> SendAsync(byte[] body, int length, CancellationToken cancellationToken)
    {
        using var response = await PostAsync(body, length, cancellationToken);
        return response.StatusCode switch
        {
            HttpStatusCode.OK => SendOutcome.Acknowledged,
            HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable => SendOutcome.Refused,
            _ => SendOutcome.Failed,
        };
    }

    private async Task<HttpResponseMessage> PostAsync(byte[] body, int length, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/traces");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", secretKey);
        request.Content = new ByteArrayContent(body, 0, length);
        request.Content.Headers.ContentType = Protobuf;
        var response = await client.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
        return response;
    }
}
