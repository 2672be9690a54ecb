namespace Mesh.Server.Checks;

/// <summary>The kinds of check this agent runs, as <see cref="CheckRunner.Classify"/> tells them apart.</summary>
public enum CheckType
{
    Http,
    Tcp,
    Grpc,
    Ttl,
    Script,
}
