/** What `ccs` understands: its commands, their arguments and options, and the help built from them. */

export interface OptionSpec {
  /** Placeholder of the value; flags have none. */
  value?: string;
  help: string;
}

export const OPTIONS = {
  url: { value: '<url>', help: 'the CCS to talk to (default: CCS_URL, else port CCS_PORT or the config file\'s "port")' },
  token: { value: '<token>', help: 'operator token for /ops (default: CCS_OPERATOR_TOKEN)' },
  json: { help: 'print JSON instead of tables' },
  help: { help: 'show the commands, or one command with `ccs <command> --help`' },
  'campaign-id': { value: '<id>', help: 'campaign id' },
  start: { value: '"YYYY-MM-DD HH:MM:SS"', help: 'start of the calling window, local time' },
  end: { value: '"YYYY-MM-DD HH:MM:SS"', help: 'end of the calling window, local time' },
  typeid: { value: '<n>', help: 'campaign type (selects a profile)' },
  state: { value: '<state>', help: 'only rows in this state' },
  contact: { value: '<id>', help: 'only this contact' },
  limit: { value: '<n>', help: 'at most this many rows' },
  port: { value: '<port>', help: 'port to listen on' },
  fail: { value: '<share>', help: 'share of callbacks to refuse with 503, 0 to 1' },
  all: { help: 'every dead callback' },
  from: { value: '<YYYY-MM-DD>', help: 'first day of the report, local date (default today)' },
  to: { value: '<YYYY-MM-DD>', help: 'last day of the report, included (default today)' },
  by: { value: '<dims>', help: 'group by campaign, agent, day or hour, comma-separated (default campaign)' },
  agent: { value: '<code>', help: 'only these agents (codes, comma-separated)' },
  csv: { help: 'print the report as CSV (the same file as the Reports page exports)' },
} as const satisfies Record<string, OptionSpec>;

export type OptionName = keyof typeof OPTIONS;

export interface CommandSpec {
  /** One or two words: `status`, `outbox stats`. */
  name: string;
  usage: string;
  summary: string;
  options: readonly OptionName[];
  /** How many arguments follow the command's words. */
  args: readonly [min: number, max: number];
  /** Talks to a running CCS (so `--url`, `--token` and `--json` apply). */
  remote: boolean;
  /** Shown under the options by `ccs <command> --help`. */
  note?: string;
}

const REMOTE: readonly OptionName[] = ['url', 'token', 'json'];
const remote = (spec: Omit<CommandSpec, 'remote' | 'options'> & { options?: readonly OptionName[] }): CommandSpec => ({ ...spec, options: [...REMOTE, ...(spec.options ?? [])], remote: true });
const local = (spec: Omit<CommandSpec, 'remote' | 'options'> & { options?: readonly OptionName[] }): CommandSpec => ({ ...spec, options: spec.options ?? [], remote: false });

export const COMMANDS: readonly CommandSpec[] = [
  local({ name: 'serve', usage: '', summary: 'run the service (same as npm start)', args: [0, 0] }),
  remote({
    name: 'send',
    usage: '<campaign.json> | <contacts.csv> --campaign-id <id> --start "…" --end "…" [--typeid <n>]',
    summary: 'send a campaign as the CRM would: a contract body, or contacts from a CSV file',
    options: ['campaign-id', 'start', 'end', 'typeid'],
    args: [1, 1],
    note: [
      'A CSV file starts with a header line naming its columns in any order: id and phonenumber, optionally',
      'linkedit; other columns travel as extra fields. Separator "," (or ";" or a tab, when the header uses it).',
      'A field in double quotes may hold the separator and line breaks; "" inside it is one quote. Example:',
      '  id,phonenumber,linkedit,note',
      '  1,0912345678,https://crm.example.vn/contact/1,"Gọi sau 9 giờ, trước 17 giờ"',
    ].join('\n'),
  }),
  remote({ name: 'demo-campaign', usage: '[--limit 20] [--campaign-id <id>]', summary: 'send a demo campaign whose window starts now (contact pages on CCS_CRM_URL)', options: ['limit', 'campaign-id'], args: [0, 0] }),
  remote({ name: 'close', usage: '<campaignid>', summary: 'close a campaign (as the contract\'s closeCampaign)', args: [1, 1] }),
  remote({ name: 'pause', usage: '<campaignid>', summary: 'pause a campaign: no new calls, calls in progress end normally, its endtime still applies', args: [1, 1] }),
  remote({ name: 'resume', usage: '<campaignid>', summary: 'resume a paused campaign', args: [1, 1] }),
  remote({ name: 'status', usage: '[campaignid] [--state running,scheduled,…]', summary: 'campaigns with their counts, or one campaign and its live calls', options: ['state', 'limit'], args: [0, 1] }),
  remote({ name: 'contacts', usage: '<campaignid> [--state pending|dialing|final] [--limit 1000]', summary: 'contacts of a campaign with their state and attempts', options: ['state', 'limit'], args: [1, 1] }),
  remote({ name: 'attempts', usage: '<campaignid> [--contact <id>] [--limit 1000]', summary: 'call attempts of a campaign, newest first', options: ['contact', 'limit'], args: [1, 1] }),
  remote({ name: 'calls', usage: '', summary: 'calls in progress', args: [0, 0] }),
  remote({ name: 'agents', usage: '', summary: 'agents and their state', args: [0, 0] }),
  remote({ name: 'cluster', usage: '', summary: 'the nodes of a cluster: which one dials which agent groups, and when each was last seen', args: [0, 0] }),
  remote({ name: 'outbox', usage: '[--state pending|delivered|dead] [--campaign-id <id>] [--limit 100]', summary: 'callbacks to the CRM', options: ['state', 'campaign-id', 'limit'], args: [0, 0] }),
  remote({ name: 'outbox stats', usage: '', summary: 'callbacks waiting, dead and delivered, and the oldest waiting', args: [0, 0] }),
  remote({
    name: 'report',
    usage: '[--from YYYY-MM-DD] [--to YYYY-MM-DD] [--by campaign,agent,day|hour] [--campaign-id <id,…>] [--agent <code,…>] [--csv]',
    summary: 'historical report: attempts, contacts reached, talk time, occupancy, abandon rate, dispositions',
    options: ['from', 'to', 'by', 'campaign-id', 'agent', 'csv'],
    args: [0, 0],
    note: 'Measures are defined in docs/reports.md. The XLSX file: GET /ops/reports.xlsx with the same query.',
  }),
  remote({ name: 'outbox replay', usage: '<id> | --all', summary: 'send dead callbacks again', options: ['all'], args: [0, 1] }),
  local({ name: 'crm-receiver', usage: '[--port 9090] [--fail 0.2]', summary: 'a stand-in CRM that prints the callbacks it receives', options: ['port', 'fail'], args: [0, 0] }),
  local({ name: 'hash-password', usage: '[password]', summary: 'scrypt hash for "accounts" in the config file (standard input without an argument)', args: [0, 1] }),
];

const usageLine = (c: CommandSpec) => `ccs ${c.name}${c.usage ? ` ${c.usage}` : ''}`;
const optionText = (o: OptionName) => {
  const spec: OptionSpec = OPTIONS[o];
  return `  --${o}${spec.value ? ` ${spec.value}` : ''}`;
};
const optionHelp = (o: OptionName) => (OPTIONS[o] as OptionSpec).help;

/** The usage up to its options: `ccs status [campaignid]`. */
const shortUsage = (c: CommandSpec) => {
  const words: string[] = [];
  for (const word of c.usage.split(' ')) {
    if ((word.startsWith('--') && words.at(-1) !== '|') || word.startsWith('[--')) break;
    words.push(word);
  }
  return `ccs ${c.name}${words.length ? ` ${words.join(' ')}` : ''}`;
};

export function generalHelp(): string {
  const names = COMMANDS.map(shortUsage);
  const w = Math.max(...names.map((n) => n.length));
  const remoteOptions = REMOTE.map(optionText);
  const ow = Math.max(...remoteOptions.map((o) => o.length));
  return [
    'ccs — the command line of CCS, the outbound Call Center Service',
    '',
    ...COMMANDS.map((c, i) => `  ${names[i]!.padEnd(w)}  ${c.summary}`),
    '',
    'Options of the commands that talk to a running CCS:',
    ...remoteOptions.map((o, i) => `${o.padEnd(ow)}  ${optionHelp(REMOTE[i]!)}`),
    '',
    'ccs looks for CCS at --url, else CCS_URL, else http://127.0.0.1:<port> with the port of',
    'CCS_PORT or of "port" in the config file (CCS_CONFIG or ./ccs.config.json), else 8080.',
    '`ccs <command> --help` shows the options of one command.',
  ].join('\n');
}

export function commandHelp(c: CommandSpec): string {
  const options = c.options.map(optionText);
  const w = Math.max(0, ...options.map((o) => o.length));
  return [
    usageLine(c),
    `  ${c.summary}`,
    ...(options.length ? ['', ...options.map((o, i) => `${o.padEnd(w)}  ${optionHelp(c.options[i]!)}`)] : []),
    ...(c.note ? ['', c.note] : []),
  ].join('\n');
}
