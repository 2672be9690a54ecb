var builder = DistributedApplication.CreateBuilder(args);

// A datacenter of three Raft servers; the samples join it through their own client agents and sidecars.
var dc1 = builder.AddMeshDatacenter<Projects.Mesh_Server, Projects.Mesh_Sidecar>("dc1")
    .WithServers(3)
    .WithConfigDirectory("mesh.d")
    .WithIntention("dashboard", "counting", allow: true);

var counting = builder.AddProject<Projects.Samples_Counting>("counting")
    .WithMeshService(dc1, checkPath: "/health");

builder.AddProject<Projects.Samples_Dashboard>("dashboard")
    .WithMeshService(dc1, checkPath: "/health")
    .WithUpstream(counting, localBindPort: 5000);

builder.Build().Run();
