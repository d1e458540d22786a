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
    /// <summary>Reads the body into a pooled buffer; the caller disposes it once the body is decoded.</summary>
    public static async Task<(PooledBody Body, BodyReadFailure? Failure)> ReadAsync(
        HttpRequest request,
        IngestionOptions options,
        CancellationToken cancellationToken)
    {
        var limit = options.MaxRequestBytes;
        if (request.ContentLength > limit)
        {
            return (PooledBody.Empty, TooLarge(request.ContentLength.Value, limit));
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
                return (PooledBody.Empty, new BodyReadFailure(
                    StatusCodes.Status415UnsupportedMediaType,
                    $"Content-Encoding '{encoding}' is not supported; send gzip or no encoding."));
        }

        await using (source)
        {
            var body = new PooledBody((int)Math.Clamp(request.ContentLength ?? 64 * 1024, 1024, limit + 1));
            try
            {
                while (true)
                {
                    var read = await source.ReadAsync(body.FreeSpace(minimum: 16 * 1024), cancellationToken);
                    if (read == 0)
                    {
                        break;
                    }

                    body.Advance(read);
                    if (body.Length > limit)
                    {
                        body.Dispose();
                        return (PooledBody.Empty, TooLarge(limit, limit, atLeast: true));
                    }
                }
            }
            catch (InvalidDataException)
            {
                body.Dispose();
                return (PooledBody.Empty, new BodyReadFailure(
                    StatusCodes.Status400BadRequest,
                    "Body is declared gzip but is not valid gzip data."));
            }
            catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
            {
                body.Dispose();
                return (PooledBody.Empty, TooLarge(limit, limit, atLeast: true));
            }
            catch (BadHttpRequestException ex)
            {
                // Kestrel's verdict on the body (most often 408: it stopped arriving) is the client's fault, not ours.
                body.Dispose();
                return (PooledBody.Empty, new BodyReadFailure(ex.StatusCode, BodyFault(ex, request.ContentLength)));
            }
            catch
            {
                body.Dispose();
                throw;
            }

            return (body, null);
        }
    }

    private static string BodyFault(BadHttpRequestException ex, long? declared)
        => ex.StatusCode == StatusCodes.Status408RequestTimeout
            ? $"The body arrived too slowly{(declared is { } length ? $" (declared {length} bytes)" : string.Empty)}; "
                + "the server stopped waiting for it. Send the whole body without pauses."
            : $"The body could not be read: {ex.Message}";

    private static BodyReadFailure TooLarge(long size, long limit, bool atLeast = false)
        => new(
            StatusCodes.Status413PayloadTooLarge,
            $"Body is {(atLeast ? "more than " : string.Empty)}{size} bytes; the limit is {limit} bytes "
            + "(LlmObserve:Ingestion:MaxRequestBytes). Send smaller batches.");
}

/// <summary>
/// A request body in arrays rented from the shared pool. Bodies are often larger than 85 KB, and allocating each
/// afresh would put every request on the large-object heap and into gen-2 collections.
/// </summary>
internal sealed class PooledBody : IDisposable
{
    private byte[] _buffer;

    public PooledBody(int initialCapacity)
    {
        _buffer = initialCapacity == 0 ? [] : ArrayPool<byte>.Shared.Rent(initialCapacity);
    }

    public static PooledBody Empty => new(0);

    public int Length { get; private set; }

    public ReadOnlyMemory<byte> Memory => _buffer.AsMemory(0, Length);

    public Memory<byte> FreeSpace(int minimum)
    {
        if (_buffer.Length - Length < minimum)
        {
            var larger = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, Length + minimum));
            _buffer.AsSpan(0, Length).CopyTo(larger);
            Return();
            _buffer = larger;
        }

        return _buffer.AsMemory(Length);
    }

    public void Advance(int count) => Length += count;

    public void Dispose()
    {
        Return();
        _buffer = [];
        Length = 0;
    }

    private void Return()
    {
        if (_buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
        }
    }
}
