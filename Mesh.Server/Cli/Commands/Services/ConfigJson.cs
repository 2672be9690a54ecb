using System.Text.Json;
using System.Text.Json.Nodes;
using Mesh.Server.Config;

namespace Mesh.Server.Cli.Commands.Services;

/// <summary>
/// Turns a parsed config tree back into JSON for an API body, keys as written (the agent accepts
/// snake_case). HCL's repeated blocks (<c>check { } check { }</c>) become the plural list
/// (<c>checks</c>), which is what they mean and what JSON can hold.
/// </summary>
internal static class ConfigJson
{
    public static JsonObject ToJsonObject(ConfigObject node)
    {
        var json = new JsonObject();
        var repeated = node.Entries.GroupBy(e => e.Key).Where(g => g.Count() > 1).Select(g => g.Key).ToHashSet();
        foreach (var entry in node.Entries)
        {
            var key = repeated.Contains(entry.Key) ? entry.Key + "s" : entry.Key;
            var value = ToJson(entry.Value);
            if (repeated.Contains(entry.Key) || json[key] is JsonArray)
            {
                var items = json[key] as JsonArray ?? [];
                if (value is JsonArray more)
                {
                    foreach (var item in more.ToList())
                    {
                        more.Remove(item);
                        items.Add(item);
                    }
                }
                else
                {
                    items.Add(value);
                }
                json[key] = items;
            }
            else
            {
                json[key] = value;
            }
        }
        return json;
    }

    private static JsonNode? ToJson(ConfigNode node) => node switch
    {
        ConfigObject obj => ToJsonObject(obj),
        ConfigList list => new JsonArray(list.Items.Select(ToJson).ToArray()),
        ConfigScalar { Kind: ScalarKind.String } scalar => JsonValue.Create(scalar.Text),
        ConfigScalar { Kind: ScalarKind.Bool } scalar => JsonValue.Create(scalar.Text == "true"),
        ConfigScalar { Kind: ScalarKind.Number } scalar => Number(scalar.Text),
        _ => null,
    };

    /// <summary>The number's own text when JSON can carry it (HCL also has forms like 0x1F, sent as text).</summary>
    private static JsonNode? Number(string text)
    {
        try
        {
            return JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            return JsonValue.Create(text);
        }
    }
}
