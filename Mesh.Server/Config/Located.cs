namespace Mesh.Server.Config;

/// <summary>A config value and where it was set, so errors found after merging can still point at it.</summary>
internal readonly record struct Located<T>(T Value, SourcePosition Position);
