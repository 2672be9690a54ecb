using System.Text;
using System.Text.Json;
using Mesh.Server.Cli.Api;
using Mesh.Server.Cli.Flags;

namespace Mesh.Server.Cli.Commands.Connect;

/// <summary><c>mesh connect ca get-config</c>: prints the CA configuration as Consul does (tab-indented JSON, map keys sorted).</summary>
internal static class ConnectCaGetConfigCommand
{
    private const string Help = """
        Usage: mesh connect ca get-config [options]

          Displays the current Connect Certificate Authority (CA) configuration.
        """;

    public static CliCommand Create(CliContext context)
    {
        var command = new CliCommand("get-config", "Display the current Connect Certificate Authority (CA) configuration", Help);
        var http = HttpFlags.AddTo(command, serverFlags: true);
        command.SetApiAction(http, context, Positionals.NoneShowingHelp, (_, _, api) =>
            api.CallAsync("Error request CA configuration", async (client, cancellationToken) =>
                context.Succeed(Format(await client.ConnectCaGetConfigAsync(cancellationToken)))));
        return command;
    }

    /// <summary>Go's json.MarshalIndent(config, "", "\t"): struct fields in order, the free-form Config map sorted by key.</summary>
    internal static string Format(JsonElement configuration)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, IndentCharacter = '\t', IndentSize = 1 }))
        {
            Write(writer, configuration, sortKeys: false);
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void Write(Utf8JsonWriter writer, JsonElement value, bool sortKeys)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            value.WriteTo(writer);
            return;
        }
        writer.WriteStartObject();
        var properties = value.EnumerateObject().ToList();
        if (sortKeys)
        {
            properties.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        }
        foreach (var property in properties)
        {
            writer.WritePropertyName(property.Name);
            // Below the top level every object is a Go map, which encoding/json writes in key order.
            Write(writer, property.Value, sortKeys: true);
        }
        writer.WriteEndObject();
    }
}
