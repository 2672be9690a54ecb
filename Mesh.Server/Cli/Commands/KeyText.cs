namespace Mesh.Server.Cli.Commands;

internal static class KeyText
{
    /// <summary>The text without one leading <paramref name="character"/>, as Consul's <c>key[1:]</c>.</summary>
    public static string TrimStartOnce(this string text, char character) =>
        text.Length > 0 && text[0] == character ? text[1..] : text;
}
