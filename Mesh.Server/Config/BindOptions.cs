namespace Mesh.Server.Config;

/// <summary>How strictly <see cref="ConfigBinder"/> reads a tree.</summary>
public sealed record BindOptions
{
    /// <summary>
    /// Unknown keys and repeated scalar keys are errors when true (Consul rejects them in config files);
    /// when false they are skipped / the last one wins, as Go's JSON decoder treats API request bodies.
    /// </summary>
    public bool Strict { get; init; }

    /// <summary>Config files: strict.</summary>
    public static BindOptions ConfigFile { get; } = new() { Strict = true };

    /// <summary>HTTP API request bodies: lenient.</summary>
    public static BindOptions ApiBody { get; } = new() { Strict = false };
}
