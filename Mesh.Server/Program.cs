using Mesh.Server.Cli;

return await MeshCommand.RunAsync(args);
