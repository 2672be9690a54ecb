using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Mesh.Server.Http.Json;

namespace Mesh.Server.Http;

/// <summary>
/// JSON as Consul writes it: field names as declared (PascalCase), UTF-8 text unescaped, and with ?pretty
/// Go's MarshalIndent layout (4 spaces, trailing newline).
/// </summary>
internal static class ConsulJson
{
    public const string ContentType = "application/json";

    private static readonly ReadOnlyMemory<byte> NewLine = "\n"u8.ToArray();
    private static readonly JsonSerializerOptions Compact = Create(indented: false);
    private static readonly JsonSerializerOptions Indented = Create(indented: true);

    public static JsonWriterOptions WriterOptions(bool pretty) => new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Indented = pretty,
        IndentSize = 4,
        SkipValidation = true,
    };

    public static async Task WriteAsync<T>(HttpResponse response, T value, bool pretty, CancellationToken cancellationToken)
    {
        response.ContentType = ContentType;
        await JsonSerializer.SerializeAsync(response.BodyWriter, value, pretty ? Info<T>.Pretty : Info<T>.Compact, cancellationToken).ConfigureAwait(false);
        if (pretty)
        {
            await response.BodyWriter.WriteAsync(NewLine, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Metadata for reading a request body (names matched case-insensitively, like Go's decoder).</summary>
    public static JsonTypeInfo<T> ReadInfo<T>() => Info<T>.Compact;

    private static JsonSerializerOptions Create(bool indented) => new()
    {
        TypeInfoResolver = JsonTypeInfoResolver.Combine(ConsulJsonContext.Default, new DefaultJsonTypeInfoResolver()),
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        WriteIndented = indented,
        IndentSize = 4,
        PropertyNameCaseInsensitive = true,
    };

    private static class Info<T>
    {
        public static readonly JsonTypeInfo<T> Compact = (JsonTypeInfo<T>)ConsulJson.Compact.GetTypeInfo(typeof(T));
        public static readonly JsonTypeInfo<T> Pretty = (JsonTypeInfo<T>)Indented.GetTypeInfo(typeof(T));
    }
}
