using System.Text.Json;
using LlmObserve.Core.Projects;
using LlmObserve.Web.Storage;
using Microsoft.AspNetCore.DataProtection;

namespace LlmObserve.Web.Projects;

/// <summary>
/// Holds the key pair generated at first start until a person has seen it on the set-up page. It survives a
/// restart (encrypted with Data Protection in the data directory) and is deleted once acknowledged.
/// </summary>
public sealed class FirstRunKeyStore(StoreLocation location, IDataProtectionProvider protectionProvider)
{
    private readonly IDataProtector _protector = protectionProvider.CreateProtector("LlmObserve.FirstRunKey");

    private string FilePath => Path.Combine(location.DataDirectory, "first-run-key.bin");

    public void Keep(string projectId, ApiKeyPair pair)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(new PendingKey(projectId, pair.PublicKey, pair.SecretKey));
        File.WriteAllBytes(FilePath, _protector.Protect(json));
    }

    public PendingKey? Read()
    {
        if (!File.Exists(FilePath))
        {
            return null;
        }

        return JsonSerializer.Deserialize<PendingKey>(_protector.Unprotect(File.ReadAllBytes(FilePath)));
    }

    public void Forget() => File.Delete(FilePath);

    public sealed record PendingKey(string ProjectId, string PublicKey, string SecretKey);
}
