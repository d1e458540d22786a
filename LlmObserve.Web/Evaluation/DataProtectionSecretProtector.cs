using LlmObserve.Core.Evaluation.Judge;
using Microsoft.AspNetCore.DataProtection;

namespace LlmObserve.Web.Evaluation;

/// <summary>
/// Encrypts judge keys with ASP.NET Core Data Protection, whose key ring lives in the data directory (see
/// <c>AddLlmObserveProjects</c>): a copy of the database alone does not reveal them.
/// </summary>
internal sealed class DataProtectionSecretProtector(IDataProtectionProvider provider) : ISecretProtector
{
    private readonly IDataProtector _protector = provider.CreateProtector("LlmObserve.JudgeEndpointKey.v1");

    public string Protect(string secret) => _protector.Protect(secret);

    public string Unprotect(string ciphertext) => _protector.Unprotect(ciphertext);
}
