namespace LlmObserve.Tests.Infrastructure;

/// <summary>Finds the repository from the test binaries, for tests that publish the app or run a JS client.</summary>
public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "LlmObserve.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No LlmObserve.sln above {AppContext.BaseDirectory}.");
    }
}
