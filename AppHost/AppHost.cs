var builder = DistributedApplication.CreateBuilder(args);

// One dev-mode agent for now; the Raft datacenter replaces it once servers replicate.
var mesh = builder.AddProject<Projects.Mesh_Server>("mesh", launchProfileName: null)
    .WithHttpEndpoint(name: "http")
    .WithHttpHealthCheck("/v1/status/leader");

// The agent takes Consul's flags; Aspire picks the port and hands it over as -http-port.
mesh.WithArgs(context =>
{
    context.Args.Add("agent");
    context.Args.Add("-dev");
    context.Args.Add("-http-port");
    context.Args.Add(mesh.GetEndpoint("http").Property(EndpointProperty.TargetPort));
});

builder.Build().Run();
