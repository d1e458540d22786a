using System.Buffers;
using System.IO.Compression;
using LlmObserve.Core;
using Microsoft.AspNetCore.Http.Features;

namespace LlmObserve.Web.Ingestion;

/// <summary>Why a body could not be read, with the status code that says so.</summary>
internal sealed record BodyReadFailure(int StatusCode, string Message);

/// <summary>
/// Reads a request body whole, decompressing gzip, and enforces the size limit on both the bytes received and the
/// bytes after decompression, so a small compressed bomb is refused as surely as a large body.
/// </summary>
internal static class RequestBodyReader
{
    public static async Task<(ReadOnlyMemory<byte> Body, BodyReadFailure? Failure)> ReadAsync(
        HttpRequest request,
        IngestionOptions options,
        CancellationToken cancellationToken)
    {
        var limit = options.MaxRequestBytes;
        if (request.ContentLength > limit)
        {
            return (default, TooLarge(request.ContentLength.Value, limit));
        }

        // The limit is enforced below after decompression; Kestrel's own cap must not cut in first.
        var sizeFeature = request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (sizeFeature is { IsReadOnly: false })
        {
            sizeFeature.MaxRequestBodySize = limit + 1;
        }

        var encoding = request.Headers.ContentEncoding.ToString().Trim().ToLowerInvariant();
        Stream source;
        switch (encoding)
        {
            case "":
            case "identity":
                source = request.Body;
                break;
            case "gzip":
                source = new GZipStream(request.Body, CompressionMode.Decompress, leaveOpen: true);
                break;
            default:
                return (default, new BodyReadFailure(
                    StatusCodes.Status415UnsupportedMediaType,
                    $"Content-Encoding '{encoding}' is not supported; send gzip or no encoding."));
        }

        await using (source)
        {
            var buffer = new ArrayBufferWriter<byte>(
                (int)Math.Clamp(request.ContentLength ?? 64 * 1024, 1024, Math.Min(limit + 1, 16 * 1024 * 1024)));
            try
            {
                while (true)
                {
                    var memory = buffer.GetMemory(64 * 1024);
                    var read = await source.ReadAsync(memory, cancellationToken);
                    if (read == 0)
                    {
                        break;
                    }

                    buffer.Advance(read);
                    if (buffer.WrittenCount > limit)
                    {
                        return (default, TooLarge(limit, limit, atLeast: true));
                    }
                }
            }
            catch (InvalidDataException)
            {
                return (default, new BodyReadFailure(
                    StatusCodes.Status400BadRequest,
                    "Body is declared gzip but is not valid gzip data."));
            }
            catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
            {
                return (default, TooLarge(limit + 1, limit, atLeast: true));
            }

            return (buffer.WrittenMemory, null);
        }
    }

    private static BodyReadFailure TooLarge(long size, long limit, bool atLeast = false)
        => new(
            StatusCodes.Status413PayloadTooLarge,
            $"Body is {(atLeast ? "more than " : string.Empty)}{size} bytes; the limit is {limit} bytes "
            + "(LlmObserve:Ingestion:MaxRequestBytes). Send smaller batches.");
}
