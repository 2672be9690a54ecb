namespace Mesh.Server.State.ConnectCa;

/// <summary>
/// Makes <paramref name="Root"/> the active root (the first one, or a rotation) with <paramref name="Configuration"/>.
/// Applied only while the active root is still <paramref name="ExpectedActiveRootId"/> (null: none yet), so two
/// servers racing to initialize or rotate cannot both win. Older roots stay, inactive, so their leaves still verify.
/// </summary>
/// <param name="ClusterId">The cluster's identity, set with the first root and never changed.</param>
public sealed record ConnectCaSetRoot(string ClusterId, CaConfiguration Configuration, CaRoot Root, string? ExpectedActiveRootId) : StateCommand;

/// <summary>Replaces the CA configuration without a new root (settings that do not need a new key).</summary>
public sealed record ConnectCaSetConfig(CaConfiguration Configuration) : StateCommand;
