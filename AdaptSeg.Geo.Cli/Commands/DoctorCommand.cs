using System.CommandLine;
using System.Runtime.InteropServices;
using AdaptSeg.Geo.Raster;
using AdaptSeg.Geo.Raster.Interop;
using AdaptSeg.Geo.Runtime;
using TorchSharp;

namespace AdaptSeg.Geo.Cli.Commands;

/// <summary><c>adaptseg doctor</c>: what the tool runs on, and whether it is usable.</summary>
internal sealed class DoctorCommand
{
    private static readonly Option<string> Device = new("--device")
    {
        Description = "Also check this device: cpu, cuda, cuda:N or auto. With cuda, exit 2 when CUDA cannot be used.",
        DefaultValueFactory = _ => "auto",
    };

    private static readonly string[] Drivers = ["GTiff", "COG", "GPKG", "GeoJSON", "VRT", "MEM"];

    public static Command Create()
    {
        var command = new Command("doctor", "Print .NET, TorchSharp, libtorch, GDAL and PROJ versions, the devices seen and the GDAL drivers present. Exit 0 when usable, 2 with the fix when not.")
        {
            Device,
        };
        command.SetAction(Run);
        return command;
    }

    private static int Run(ParseResult parse)
    {
        TextWriter o = parse.Out();
        bool usable = true;
        o.WriteLine($".NET          {RuntimeInformation.FrameworkDescription} ({RuntimeInformation.RuntimeIdentifier})");
        o.WriteLine($"CPU cores     {Environment.ProcessorCount}");

        try
        {
            string device = parse.GetValue(Device)!;
            torch.Device resolved = TorchRuntime.ResolveDevice(device);
            o.WriteLine($"TorchSharp    {TorchRuntime.TorchSharpVersion}");
            o.WriteLine($"libtorch      {TorchRuntime.LibTorchVersion}, {TorchRuntime.LibTorchSource}");
            o.WriteLine($"torch threads {torch.get_num_threads()}");
            bool cuda = torch.cuda.is_available();
            o.WriteLine($"CUDA          {(cuda ? $"available, {torch.cuda.device_count()} device(s), cuDNN {(torch.cuda.is_cudnn_available() ? "yes" : "no")}" : "not available (CPU only)")}");
            if (cuda)
            {
                foreach (string line in TorchRuntime.DescribeCudaDevices())
                {
                    o.WriteLine($"              {line}");
                }
            }

            o.WriteLine($"device        {device} -> {resolved}");
            using var probe = torch.ones(2, 2, device: resolved).sum();
            o.WriteLine($"torch check   ones(2,2).sum() = {probe.item<float>()} on {resolved}");
        }
        catch (DeviceUnavailableException e)
        {
            parse.Err().WriteLine($"error: {e.Message}");
            usable = false;
        }
        catch (Exception e) when (e is DllNotFoundException or TypeInitializationException or NotSupportedException)
        {
            parse.Err().WriteLine($"error: TorchSharp could not load libtorch: {e.Message}");
            parse.Err().WriteLine("Fix: build with 'dotnet build' from this repository (it patches libLibTorchSharp.so for Debian 12's libstdc++), and keep the runtimes/ folder next to adaptseg.dll.");
            usable = false;
        }

        try
        {
            o.WriteLine($"GDAL          {Gdal.Version} (loaded from {GdalLibraryResolver.LoadedFrom})");
            o.WriteLine($"PROJ          {Gdal.ProjVersion}");
            foreach (string driver in Drivers)
            {
                bool present = Gdal.HasDriver(driver);
                o.WriteLine($"  driver {driver,-8} {(present ? "present" : "MISSING")}");
                usable &= present || driver is not ("GTiff" or "MEM");
            }
        }
        catch (GdalNotFoundException e)
        {
            parse.Err().WriteLine($"error: {e.Message}");
            usable = false;
        }

        o.WriteLine(usable ? "status        usable" : "status        NOT usable (see the errors above)");
        return usable ? ExitCodes.Success : ExitCodes.BadInput;
    }
}
