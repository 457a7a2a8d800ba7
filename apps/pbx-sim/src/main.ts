import { readFileSync } from 'node:fs';
import { Command, InvalidArgumentError } from 'commander';
import { AsteriskSim, FreeswitchSim, parseScenario, runScenario, type PbxSimulator } from '@callplane/pbx-sim';

/**
 * pbx-sim CLI: starts the Asterisk simulator (ARI + AMI) and the FreeSWITCH simulator (ESL),
 * prints their connection settings as JSON, and optionally plays a scenario file against both.
 */
const port = (v: string): number => {
  const n = Number.parseInt(v, 10);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('must be a port number (0 = random)');
  return n;
};

async function main(argv: string[]): Promise<void> {
  const program = new Command()
    .name('pbx-sim')
    .description('Simulated Asterisk (ARI/AMI) and FreeSWITCH (ESL) on real sockets')
    .option('--host <addr>', 'bind address', '127.0.0.1')
    .option('--ari-port <port>', 'Asterisk ARI HTTP/WebSocket port', port, 8088)
    .option('--ami-port <port>', 'Asterisk AMI port', port, 5038)
    .option('--esl-port <port>', 'FreeSWITCH event socket port', port, 8021)
    .option('--app <name>', 'Stasis application inbound calls enter', 'callplane')
    .option('--no-asterisk', 'do not start the Asterisk simulator')
    .option('--no-freeswitch', 'do not start the FreeSWITCH simulator')
    .option('--scenario <file>', 'YAML/JSON scenario to play (see apps/pbx-sim/scenarios/demo.yaml)')
    .option('--scenario-delay <ms>', 'wait before playing the scenario (time for callplane to connect)', port, 3000)
    .parse(argv);
  const o = program.opts<{
    host: string; ariPort: number; amiPort: number; eslPort: number; app: string;
    asterisk: boolean; freeswitch: boolean; scenario?: string; scenarioDelay: number;
  }>();

  const scenario = o.scenario ? parseScenario(readFileSync(o.scenario, 'utf8')) : undefined;
  const sims: PbxSimulator[] = [];
  if (o.asterisk) sims.push(await AsteriskSim.start({ host: o.host, ariPort: o.ariPort, amiPort: o.amiPort, app: o.app }));
  if (o.freeswitch) sims.push(await FreeswitchSim.start({ port: o.eslPort }));
  for (const sim of sims) process.stdout.write(`${JSON.stringify({ type: sim.type, connection: sim.connection })}\n`);

  const stop = async (): Promise<void> => {
    await Promise.all(sims.map((s) => s.close()));
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());

  if (scenario) {
    await new Promise((r) => setTimeout(r, o.scenarioDelay));
    const reports = await Promise.all(
      sims.map((sim) => runScenario(sim, scenario, { log: (line) => process.stdout.write(`[${sim.type}] ${line}\n`) })),
    );
    reports.forEach((r, i) => process.stdout.write(`[${sims[i].type}] scenario done: ${r.placed} placed, ${r.failed} failed\n`));
  }
}

main(process.argv).catch((err: unknown) => {
  process.stderr.write(`pbx-sim: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
