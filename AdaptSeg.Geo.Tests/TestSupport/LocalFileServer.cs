using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Logging;

namespace AdaptSeg.Geo.Tests.TestSupport;

/// <summary>
/// A static-file HTTP server on 127.0.0.1 (a free port) inside the test process: ASP.NET Core's
/// static files, which answer range requests as a cloud object store does. Counts requests.
/// </summary>
public sealed class LocalFileServer : IAsyncDisposable
{
    private readonly WebApplication app;
    private int requests;
    private int rangeRequests;

    private LocalFileServer(WebApplication app, string baseUrl)
    {
        this.app = app;
        BaseUrl = baseUrl;
    }

    /// <summary>http://127.0.0.1:PORT (no trailing slash).</summary>
    public string BaseUrl { get; private set; }

    /// <summary>Requests answered so far.</summary>
    public int Requests => Volatile.Read(ref requests);

    /// <summary>Requests that asked for a byte range.</summary>
    public int RangeRequests => Volatile.Read(ref rangeRequests);

    /// <summary>Serves <paramref name="folder"/>.</summary>
    public static async Task<LocalFileServer> StartAsync(string folder)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        WebApplication app = builder.Build();
        var server = new LocalFileServer(app, "");
        app.Use(async (context, next) =>
        {
            Interlocked.Increment(ref server.requests);
            if (context.Request.Headers.Range.Count > 0)
            {
                Interlocked.Increment(ref server.rangeRequests);
            }

            await next(context);
        });
        app.UseStaticFiles(new StaticFileOptions { FileProvider = new PhysicalFileProvider(folder), ServeUnknownFileTypes = true });
        await app.StartAsync();
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        server.BaseUrl = address.TrimEnd('/');
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
