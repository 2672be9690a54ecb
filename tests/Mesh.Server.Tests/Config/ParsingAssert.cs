using Mesh.Server.Config;

namespace Mesh.Server.Tests.Config;

internal static class ParsingAssert
{
    /// <summary>Asserts the action fails with exactly this one-line message.</summary>
    public static ConfigException Fails(string expectedMessage, Action action)
    {
        var error = Assert.Throws<ConfigException>(action);
        Assert.Equal(expectedMessage, error.Message);
        return error;
    }

    public static ConfigNode Value(ConfigObject obj, string key) => Assert.Single(obj.Entries, e => e.Key == key).Value;

    public static string Text(ConfigNode node) => Assert.IsType<ConfigScalar>(node).Text;
}
