using System.Collections;
using System.Reflection;

namespace LlmObserve.Web.Hosting;

/// <summary>
/// Finds every setting whose text cannot become its option's type ("abc" for a number), so start reports them all
/// at once with the other configuration faults instead of the binder's exception on the first one. Each setting is
/// bound alone, by the binder itself, so the check accepts exactly what binding accepts.
/// </summary>
internal static class ConfigurationTypeCheck
{
    public static List<string> Faults<TOptions>(IConfigurationSection section)
        where TOptions : class
    {
        var faults = new List<string>();
        foreach (var (key, value) in section.AsEnumerable())
        {
            if (value is null)
            {
                continue;
            }

            var alone = new ConfigurationBuilder()
                .AddInMemoryCollection([new KeyValuePair<string, string?>(key, value)])
                .Build();
            try
            {
                alone.GetSection(section.Path).Get<TOptions>();
            }
            catch (InvalidOperationException)
            {
                var expected = Describe(TargetType(typeof(TOptions), key[section.Path.Length..]));
                faults.Add($"{key} must be {expected} (was '{value}').");
            }
        }

        return faults;
    }

    /// <summary>The type a setting binds to, following properties, list items and dictionary values.</summary>
    private static Type? TargetType(Type root, string relativeKey)
    {
        Type? type = root;
        var skipIndex = false;
        foreach (var segment in relativeKey.Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            if (type is null)
            {
                return null;
            }

            if (skipIndex)
            {
                skipIndex = false;
                continue;
            }

            type = type.GetProperty(
                segment,
                BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase)?.PropertyType;
            if (type is not null && type != typeof(string) && typeof(IEnumerable).IsAssignableFrom(type))
            {
                type = type.IsArray ? type.GetElementType() : type.GetGenericArguments().LastOrDefault();
                skipIndex = true;
            }
        }

        return type;
    }

    private static string Describe(Type? type)
    {
        type = type is null ? null : Nullable.GetUnderlyingType(type) ?? type;
        return type switch
        {
            null => "a value of its setting's type",
            _ when type == typeof(bool) => "true or false",
            _ when type == typeof(double) || type == typeof(float) || type == typeof(decimal) => "a number",
            _ when type == typeof(int) || type == typeof(long) || type == typeof(short) || type == typeof(byte)
                => "a whole number",
            _ when type == typeof(TimeSpan) => "a duration such as 00:05:00",
            _ when type.IsEnum => "one of " + string.Join(", ", Enum.GetNames(type)),
            _ => "a valid " + type.Name,
        };
    }
}
