using AdaptSeg.Geo.Cli;

return await AdaptSegCli.RunAsync(args, Console.Out, Console.Error);
