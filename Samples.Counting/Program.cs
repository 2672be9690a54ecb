using Samples.Counting;

// The seed's counting service: every GET / counts one more.
var builder = WebApplication.CreateSlimBuilder(args);
builder.AddServiceDefaults();
builder.Services.AddSingleton<Counter>();
builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Insert(0, CountingJson.Default));

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapGet("/", (Counter counter) => new Count(counter.Next(), Environment.MachineName));
app.Run();
