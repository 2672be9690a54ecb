namespace Mesh.AppHost.Tests;

/// <summary>Every test class of this suite shares one running AppHost.</summary>
[CollectionDefinition(Name)]
public sealed class AppHostCollection : ICollectionFixture<AppHostFixture>
{
    public const string Name = "AppHost";
}
