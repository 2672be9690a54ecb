namespace Mesh.Bench;

/// <summary>The servers compared: column ids in the console and their headers in the Markdown table.</summary>
internal static class Columns
{
    public const string EtcdNoFsync = "etcd-nofsync";
    public const string EtcdFsync = "etcd-fsync";

    public static void AddMesh(Report report) => report.AddColumn(Report.Mesh, "mesh agent -dev (in-memory)");

    public static string AddEtcd(Report report, EtcdProcess etcd)
    {
        var id = etcd.Fsync ? EtcdFsync : EtcdNoFsync;
        report.AddColumn(id, etcd.Fsync ? $"etcd {etcd.Version} (fsync per write)" : $"etcd {etcd.Version} --unsafe-no-fsync");
        report.AddRatio(Report.Mesh, id, "mesh/etcd");
        return id;
    }
}
