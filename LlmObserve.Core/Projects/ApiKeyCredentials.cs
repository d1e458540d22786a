using System.Security.Cryptography;
using System.Text;

namespace LlmObserve.Core.Projects;

/// <summary>A key pair as handed to a person once; only the public half and a hash are stored.</summary>
public sealed record ApiKeyPair(string PublicKey, string SecretKey);

/// <summary>Creates and checks key material. Secrets are random, so a plain SHA-256 is a safe hash for them.</summary>
public static class ApiKeyCredentials
{
    public const string PublicPrefix = "pk-lo-";
    public const string SecretPrefix = "sk-lo-";

    public static ApiKeyPair Generate()
        => new(PublicPrefix + RandomToken(16), SecretPrefix + RandomToken(24));

    public static string HashSecret(string secret)
        => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    public static string Preview(string secret)
        => secret.Length <= SecretPrefix.Length + 4
            ? SecretPrefix + "…"
            : secret[..(SecretPrefix.Length + 4)] + "…";

    public static bool SecretMatches(string secret, string storedHash)
    {
        var actual = Encoding.ASCII.GetBytes(HashSecret(secret));
        var expected = Encoding.ASCII.GetBytes(storedHash);
        return CryptographicOperations.FixedTimeEquals(actual, expected);
    }

    private static string RandomToken(int bytes) => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(bytes));
}
