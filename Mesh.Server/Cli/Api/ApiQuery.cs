using System.Text;

namespace Mesh.Server.Cli.Api;

/// <summary>Query parameters in the order added; a flag parameter goes as <c>name=</c> like Go's url.Values.</summary>
internal sealed class ApiQuery
{
    private readonly List<KeyValuePair<string, string>> _parameters = [];

    public ApiQuery Add(string name, string value = "")
    {
        _parameters.Add(new(name, value));
        return this;
    }

    public ApiQuery AddIf(bool condition, string name, string value = "") => condition ? Add(name, value) : this;

    public override string ToString()
    {
        if (_parameters.Count == 0)
        {
            return "";
        }
        var text = new StringBuilder();
        foreach (var (name, value) in _parameters)
        {
            text.Append(text.Length == 0 ? '?' : '&')
                .Append(Uri.EscapeDataString(name)).Append('=').Append(Uri.EscapeDataString(value));
        }
        return text.ToString();
    }
}
