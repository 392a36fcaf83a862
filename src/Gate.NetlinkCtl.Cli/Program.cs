using Gate.NetlinkCtl.Cli;

return GatectlCli.Run(args);
