var builder = DistributedApplication.CreateBuilder(args);

#if (NoSamples)
// A datacenter of Raft servers, which load the service definitions in mesh.d. Put a project on the mesh with
// builder.AddProject<Projects.Orders>("orders").WithMeshService(dc1): see README.md.
var dc1 = builder.AddMeshDatacenter<Projects.Mesh_Server, Projects.Mesh_Sidecar>("dc1")
    .WithServers(3)
    .WithConfigDirectory("mesh.d");
#else
// A datacenter of Raft servers, which load the service definitions in mesh.d; the samples join it through their own client agents and sidecars.
var dc1 = builder.AddMeshDatacenter<Projects.Mesh_Server, Projects.Mesh_Sidecar>("dc1")
    .WithServers(3)
    .WithConfigDirectory("mesh.d")
    .WithIntention("dashboard", "counting", allow: true);

var counting = builder.AddProject<Projects.Samples_Counting>("counting")
    .WithMeshService(dc1, checkPath: "/health");

builder.AddProject<Projects.Samples_Dashboard>("dashboard")
    .WithMeshService(dc1, checkPath: "/health")
    .WithUpstream(counting, localBindPort: 5000);
#endif

builder.Build().Run();
