using LlmObserve.Web.Hosting;

var app = LlmObserveApp.Build(args);
await app.RunAsync();
