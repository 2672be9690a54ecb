namespace Mesh.Bench;

/// <summary>How one server spells a KV write and read of a key of <see cref="KvWorkload"/>.</summary>
internal interface IKvTarget
{
    Uri BaseAddress { get; }

    HttpRequestMessage Request(KvOperation operation, int key);

    /// <summary>Whether a successful read's body carries <see cref="KvWorkload.Value"/>.</summary>
    bool HoldsValue(string readBody);
}
