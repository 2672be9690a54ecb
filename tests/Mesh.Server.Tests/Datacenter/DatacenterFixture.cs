namespace Mesh.Server.Tests.Datacenter;

/// <summary>One three-server datacenter shared by a test class whose tests leave it whole.</summary>
public sealed class DatacenterFixture : IAsyncLifetime
{
    private Datacenter? _datacenter;

    internal Datacenter Datacenter => _datacenter ?? throw new InvalidOperationException("The datacenter has not started.");

    public async Task InitializeAsync() => _datacenter = await Datacenter.StartAsync();

    public async Task DisposeAsync()
    {
        if (_datacenter is not null)
        {
            await _datacenter.DisposeAsync();
        }
    }
}
