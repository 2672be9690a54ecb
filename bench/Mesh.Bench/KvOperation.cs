namespace Mesh.Bench;

internal enum KvOperation
{
    Put,
    Get,
}
