var builder = DistributedApplication.CreateBuilder(args);

// One dev-mode agent for now; the Raft datacenter replaces it when servers replicate.
builder.AddProject<Projects.Mesh_Server>("mesh")
    .WithArgs("agent", "-dev", "-client", "127.0.0.1")
    .WithHttpEndpoint(name: "http", env: "MESH_HTTP_PORT")
    .WithHttpHealthCheck("/v1/status/leader");

builder.Build().Run();
