namespace Mesh.Server.Http;

/// <summary>What a route shares with the rest of the datacenter, which decides the common query handling.</summary>
internal enum RouteScope
{
    /// <summary>This agent's own view (/v1/agent/*): no ?dc, no consistency modes.</summary>
    Local,

    /// <summary>Answered for a datacenter without its leader (/v1/status/*, catalog/datacenters): ?dc is checked.</summary>
    Datacenter,

    /// <summary>The replicated state (kv, catalog, health): ?dc, consistency, blocking; needs a leader unless ?stale.</summary>
    Replicated,
}

