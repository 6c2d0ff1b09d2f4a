// EventBridge event-pattern matcher (local/event-pattern.ts). Cases are written from the examples in the AWS docs
// "Amazon EventBridge event patterns" [P], "Content filtering in Amazon EventBridge event patterns" [C] and
// "Comparison operators for use in event patterns" [O]; expected results are our reading of those docs, not
// replayed through TestEventPattern (do that once AWS access exists and freeze the results).
import fc from 'fast-check';
import {
  compilePattern,
  InvalidEventPatternError,
  matchesPattern,
  validatePattern,
  type EventPattern,
} from '../../../local/event-pattern';

type Ev = Record<string, unknown>;

// [P] "Example event" — the EC2 state-change event the docs build their patterns against.
const ec2Event = (detail: Ev = { 'instance-id': 'i-1234567890abcdef0', state: 'terminated' }, extra: Ev = {}): Ev => ({
  version: '0',
  id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
  'detail-type': 'EC2 Instance State-change Notification',
  source: 'aws.ec2',
  account: '111122223333',
  time: '2017-12-22T18:43:48Z',
  region: 'us-west-1',
  resources: ['arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0'],
  detail,
  ...extra,
});
// [P] the first pattern the docs build against it.
const ec2StateChangePattern = {
  source: ['aws.ec2'],
  'detail-type': ['EC2 Instance State-change Notification'],
  detail: { state: ['terminated'] },
};
// [C] numeric / $or examples use a detail with these counters.
const counters = (c: unknown, d: unknown, x: unknown): Ev => ec2Event({ 'c-count': c, 'd-count': d, 'x-limit': x });
const numericPattern = {
  detail: {
    'c-count': [{ numeric: ['>', 0, '<=', 5] }],
    'd-count': [{ numeric: ['<', 10] }],
    'x-limit': [{ numeric: ['=', 3.018e2] }],
  },
};
const orNumericPattern = {
  detail: {
    $or: [
      { 'c-count': [{ numeric: ['>', 0, '<=', 5] }] },
      { 'd-count': [{ numeric: ['<', 10] }] },
      { 'x-limit': [{ numeric: ['=', 3.018e2] }] },
    ],
  },
};
// [C] "$or matching" top-level example (CloudWatch metric events).
const orTopLevel = {
  source: ['aws.cloudwatch'],
  $or: [{ metricName: ['CPUUtilization', 'ReadLatency'] }, { namespace: ['AWS/EC2', 'AWS/ES'] }],
};
const cw = (fields: Ev): Ev => ({
  source: 'aws.cloudwatch',
  'detail-type': 'CloudWatch Alarm State Change',
  ...fields,
});
// [C] "$or" combined with nested $or inside a sub-pattern.
const orNested = {
  source: ['aws.cloudwatch'],
  $or: [
    { metricName: ['CPUUtilization'] },
    { detail: { $or: [{ 'c-count': [{ numeric: ['>', 0, '<=', 5] }] }, { 'd-count': [{ numeric: ['<', 10] }] }] } },
  ],
};
// [P] "Arrays in EventBridge event patterns".
const arrayPattern = {
  resources: [
    'arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f',
    'arn:aws:ec2:us-east-1:111122223333:instance/i-b188560f',
    'arn:aws:ec2:us-east-1:444455556666:instance/i-b188560f',
  ],
};
/** The example event with these `resources`; OTHER_INSTANCE is in none of the pattern's. */
const withResources = (...resources: string[]) => ec2Event(undefined, { resources });
const OTHER_INSTANCE = 'arn:aws:ec2:us-east-1:000000000000:instance/i-x';

type Case = [name: string, pattern: EventPattern, event: Ev, expected: boolean];
/** A row of a group below: a case's name, what varies within the group, and whether it matches. */
type Row<T> = [name: string, varies: T, expected: boolean];

// The docs show one pattern against several events, or several patterns against one event; so do the groups.
/** One documented pattern against several events. */
const patternAgainst = (pattern: EventPattern, rows: Row<Ev>[]): Case[] =>
  rows.map(([name, event, expected]) => [name, pattern, event, expected]);
/** Several documented patterns against one event. */
const eventAgainst = (event: Ev, rows: Row<EventPattern>[]): Case[] =>
  rows.map(([name, pattern, expected]) => [name, pattern, event, expected]);
/** The [P] example event as it is (its detail: instance-id and state `terminated`). */
const EXAMPLE = Symbol('the example event');
/**
 * [C] a content filter on one detail field — `{ detail: { <field>: [<filter>] } }` — against the example event
 * with that field's value in its detail (`{ <field>: <value> }`), or the example event itself (EXAMPLE).
 */
const detailFilter = (field: string, filter: unknown, rows: Row<unknown>[]): Case[] =>
  rows.map(([name, value, expected]) => [
    name,
    { detail: { [field]: [filter] } } as EventPattern,
    value === EXAMPLE ? ec2Event() : ec2Event({ [field]: value }),
    expected,
  ]);

const cases: Case[] = [
  // ── [P] Event pattern syntax / matching event values ──
  ...eventAgainst(ec2Event(), [
    ['[P] source + detail-type + nested state: match', ec2StateChangePattern, true],
    ['[P] nested state differs → no match', { source: ['aws.ec2'], detail: { state: ['running'] } }, false],
    ['[P] OR within a list: aws.ec2 or aws.fargate', { source: ['aws.ec2', 'aws.fargate'] }, true],
    ['[P] OR within a list: neither value', { source: ['aws.s3', 'aws.fargate'] }, false],
    ['[P] AND across fields: one field fails', { source: ['aws.ec2'], region: ['us-east-1'] }, false],
    ['[P] matching is case-sensitive', { source: ['AWS.EC2'] }, false],
    ['[P] field missing from the event never matches', { detail: { 'instance-type': ['t3.micro'] } }, false],
    ['[P] pattern nesting must follow the event: flat key ≠ nested key', { state: ['terminated'] }, false],
    ['[P] leaf pattern on an object value does not match', { detail: ['terminated'] } as EventPattern, false],
  ]),
  ['[P] number exact match', { detail: { 'c-count': [5] } }, counters(5, 7, 301.8), true],
  ['[P] string "5" does not equal number 5', { detail: { 'c-count': ['5'] } }, counters(5, 7, 301.8), false],
  ['[P] number 5 does not equal string "5"', { detail: { 'c-count': [5] } }, counters('5', 7, 301.8), false],
  ...detailFilter('enabled', true, [['[P] boolean exact match', true, true]]),
  ...detailFilter('enabled', false, [['[P] boolean false vs true', true, false]]),
  // ── [P] arrays ──
  ...patternAgainst(arrayPattern, [
    ['[P] arrays: intersection non-empty → match', withResources(...arrayPattern.resources), true],
    ['[P] arrays: one common element is enough', withResources(OTHER_INSTANCE, arrayPattern.resources[2]!), true],
    ['[P] arrays: no common element → no match', withResources(OTHER_INSTANCE), false],
    ['[P] arrays: empty event array → no match', withResources(), false],
  ]),
  ...eventAgainst(
    ec2Event({
      items: [
        { name: 'a', size: 1 },
        { name: 'b', size: 2 },
      ],
    }),
    [
      ['[P] array of objects: all fields from one element', { detail: { items: { name: ['a'], size: [1] } } }, true],
      [
        '[P] array of objects: fields from different elements → no match',
        { detail: { items: { name: ['a'], size: [2] } } },
        false,
      ],
    ],
  ),
  // ── [C] null values and empty strings ──
  ...eventAgainst(ec2Event({ eventVersion: '', responseElements: null }), [
    ['[C] null matches JSON null', { detail: { responseElements: [null] } }, true],
    ['[C] null does not match a missing field', { detail: { requestParameters: [null] } }, false],
    ['[C] null does not match the empty string', { detail: { eventVersion: [null] } }, false],
    ['[C] empty string matches ""', { detail: { eventVersion: [''] } }, true],
    ['[C] empty string does not match null', { detail: { responseElements: [''] } }, false],
  ]),
  // ── [C] prefix / suffix (+ ignore case) ──
  ['[C] prefix on time', { time: [{ prefix: '2017-12-22' }] }, ec2Event(), true],
  ['[C] prefix on time: different day', { time: [{ prefix: '2017-10-02' }] }, ec2Event(), false],
  ['[C] prefix does not match numbers', { detail: { 'c-count': [{ prefix: '5' }] } }, counters(5, 7, 301.8), false],
  ...detailFilter('service', { prefix: { 'equals-ignore-case': 'EventB' } }, [
    ['[C] prefix equals-ignore-case: EventB vs "EVENTBRIDGE"', 'EVENTBRIDGE', true],
    ['[C] prefix equals-ignore-case: no prefix', 'SNS', false],
  ]),
  ...detailFilter('FileName', { suffix: '.png' }, [
    ['[C] suffix .png', 'image.png', true],
    ['[C] suffix is case-sensitive', 'image.PNG', false],
  ]),
  ...detailFilter('FileName', { suffix: { 'equals-ignore-case': '.png' } }, [
    ['[C] suffix equals-ignore-case .png vs .PNG', 'image.PNG', true],
  ]),
  // ── [C] equals-ignore-case ──
  ...eventAgainst(ec2Event(), [
    [
      '[C] equals-ignore-case on detail-type',
      { 'detail-type': [{ 'equals-ignore-case': 'ec2 instance state-change notification' }] },
      true,
    ],
    [
      '[C] equals-ignore-case: different text',
      { 'detail-type': [{ 'equals-ignore-case': 'ec2 instance launch' }] },
      false,
    ],
  ]),
  // ── [C] anything-but ──
  ...detailFilter('state', { 'anything-but': 'initializing' }, [
    ['[C] anything-but string: different value', EXAMPLE, true],
  ]),
  ['[C] anything-but string: same value', { detail: { state: [{ 'anything-but': 'terminated' }] } }, ec2Event(), false],
  ...patternAgainst({ detail: { 'x-limit': [{ 'anything-but': 123 }] } }, [
    ['[C] anything-but number 123 vs 5', counters(5, 7, 5), true],
    ['[C] anything-but number 123 vs 123', counters(5, 7, 123), false],
  ]),
  ...detailFilter('state', { 'anything-but': ['stopped', 'overloaded'] }, [
    ['[C] anything-but list stopped/overloaded vs terminated', EXAMPLE, true],
    ['[C] anything-but list stopped/overloaded vs stopped', 'stopped', false],
  ]),
  ...patternAgainst({ detail: { 'x-limit': [{ 'anything-but': [100, 200, 300] }] } }, [
    ['[C] anything-but numeric list 100/200/300 vs 200', counters(1, 1, 200), false],
  ]),
  ...detailFilter('status', { 'anything-but': 'initializing' }, [
    ['[C] anything-but does not match a missing field', EXAMPLE, false],
  ]),
  ...detailFilter('state', { 'anything-but': { prefix: 'init' } }, [
    ['[C] anything-but prefix init vs initializing', 'initializing', false],
    ['[C] anything-but prefix init vs terminated', EXAMPLE, true],
  ]),
  ...detailFilter('FileName', { 'anything-but': { suffix: '.txt' } }, [
    ['[C] anything-but suffix .txt vs notes.txt', 'notes.txt', false],
    ['[C] anything-but suffix .txt vs image.png', 'image.png', true],
  ]),
  ...detailFilter('state', { 'anything-but': { prefix: ['init', 'stop'] } }, [
    ['[Event Ruler] anything-but prefix list vs initializing', 'initializing', false],
    ['[Event Ruler] anything-but prefix list vs stopped', 'stopped', false],
    ['[Event Ruler] anything-but prefix list vs terminated', EXAMPLE, true],
  ]),
  ...detailFilter('FileName', { 'anything-but': { suffix: ['.txt', '.md'] } }, [
    ['[Event Ruler] anything-but suffix list vs notes.md', 'notes.md', false],
    ['[Event Ruler] anything-but suffix list vs image.png', 'image.png', true],
  ]),
  // field lookups are own properties: inherited names are missing fields
  ...eventAgainst(ec2Event(), [
    [
      'own properties: "constructor" is missing, exists:false matches',
      { detail: { constructor: [{ exists: false }] } },
      true,
    ],
    [
      'own properties: "toString" is missing, exists:true does not match',
      { detail: { toString: [{ exists: true }] } },
      false,
    ],
    [
      'own properties: "constructor" nested object is missing',
      { detail: { constructor: { name: ['Object'] } } },
      false,
    ],
    [
      'own properties: "hasOwnProperty" anything-but does not match a missing field',
      { hasOwnProperty: [{ 'anything-but': 'x' }] },
      false,
    ],
  ]),
  ...detailFilter('state', { 'anything-but': { 'equals-ignore-case': ['Stopped', 'OverLoaded'] } }, [
    ['[C] anything-but equals-ignore-case list vs "STOPPED"', 'STOPPED', false],
    ['[C] anything-but equals-ignore-case list vs "running"', 'running', true],
  ]),
  ...detailFilter('state', { 'anything-but': { 'equals-ignore-case': 'initializing' } }, [
    ['[C] anything-but equals-ignore-case value vs "INITIALIZING"', 'INITIALIZING', false],
  ]),
  ...detailFilter('FilePath', { 'anything-but': { wildcard: '*/lib/*' } }, [
    ['[C] anything-but wildcard */lib/* vs /usr/lib/x.so', '/usr/lib/x.so', false],
  ]),
  ...detailFilter('FilePath', { 'anything-but': { wildcard: ['*/lib/*', '*/bin/*'] } }, [
    ['[C] anything-but wildcard list vs /usr/share/doc', '/usr/share/doc', true],
  ]),
  ...detailFilter('states', { 'anything-but': 'stopped' }, [
    ['[C] anything-but on an array: some element not excluded → match', ['stopped', 'running'], true],
  ]),
  // ── [C] numeric ──
  ...patternAgainst(numericPattern, [
    ['[C] numeric ranges + equality: all satisfied', counters(5, 7, 301.8), true],
    ['[C] numeric: c-count 0 is not > 0', counters(0, 7, 301.8), false],
    ['[C] numeric: d-count 10 is not < 10', counters(5, 10, 301.8), false],
  ]),
  ...patternAgainst({ detail: { 'x-limit': [{ numeric: ['=', 301.8] }] } }, [
    ['[C] numeric = 3.018e2 vs 301.8 written differently', counters(5, 7, 3.018e2), true],
  ]),
  ...patternAgainst({ detail: { 'c-count': [{ numeric: ['>', 0] }] } }, [
    ['[C] numeric does not match a numeric string', counters('5', 7, 301.8), false],
  ]),
  ...patternAgainst({ detail: { 'c-count': [{ numeric: ['>=', 5, '<', 6] }] } }, [
    ['[C] numeric >= lower bound inclusive', counters(5, 7, 301.8), true],
  ]),
  ...patternAgainst({ detail: { 'c-count': [{ numeric: ['>', 9] }] } }, [
    ['[C] numeric compares numerically (10 > 9, not lexically)', counters(10, 7, 301.8), true],
  ]),
  ['[C] numeric negative values', { detail: { 'c-count': [{ numeric: ['<', -1] }] } }, counters(-1.5, 7, 301.8), true],
  // ── [C] exists ──
  ['[C] exists true: field present', { detail: { state: [{ exists: true }] } }, ec2Event(), true],
  ['[C] exists true: field absent', { detail: { status: [{ exists: true }] } }, ec2Event(), false],
  ['[C] exists false: field absent', { detail: { status: [{ exists: false }] } }, ec2Event(), true],
  ['[C] exists false: field present', { detail: { state: [{ exists: false }] } }, ec2Event(), false],
  ['[C] exists false under a missing parent', { 'missing-parent': { state: [{ exists: false }] } }, ec2Event(), true],
  ['[C] exists true under a missing parent', { 'missing-parent': { state: [{ exists: true }] } }, ec2Event(), false],
  ...detailFilter('nested', { exists: true }, [
    ['[C] exists true works on leaves only (object value)', { a: 1 }, false],
  ]),
  ...detailFilter('responseElements', { exists: true }, [['[C] exists true: null is a present leaf', null, true]]),
  ...detailFilter('tags', { exists: false }, [['[C] exists false: empty array has no leaf', [], true]]),
  // ── [C] IP address (cidr) ──
  ...detailFilter('sourceIPAddress', { cidr: '10.0.0.0/24' }, [
    ['[C] cidr 10.0.0.0/24 contains 10.0.0.255', '10.0.0.255', true],
    ['[C] cidr 10.0.0.0/24 excludes 10.0.1.0', '10.0.1.0', false],
    ['[C] cidr: non-IP string does not match', 'AWS Internal', false],
  ]),
  ...detailFilter('sourceIPAddress', { cidr: '2001:db8::/32' }, [
    ['[C] cidr IPv6 2001:db8::/32 contains 2001:db8:0:1::5', '2001:db8:0:1::5', true],
    ['[C] cidr IPv6 excludes 2001:db9::1', '2001:db9::1', false],
  ]),
  ...detailFilter('sourceIPAddress', { cidr: '10.0.0.0/8' }, [
    ['[C] cidr IPv4 block does not match an IPv6 address', '::ffff:10.0.0.1', false],
  ]),
  // ── [C] wildcard ──
  ...patternAgainst({ EventBusArn: [{ wildcard: 'arn:aws:events:us-east-1:*:event-bus/*' }] }, [
    [
      '[C] wildcard on an event-bus ARN',
      { EventBusArn: 'arn:aws:events:us-east-1:123456789012:event-bus/myEventBus' },
      true,
    ],
    [
      '[C] wildcard: other region',
      { EventBusArn: 'arn:aws:events:us-west-2:123456789012:event-bus/myEventBus' },
      false,
    ],
  ]),
  ...detailFilter('FileName', { wildcard: 'dir/*.png' }, [['[C] wildcard * matches the empty run', 'dir/.png', true]]),
  ...detailFilter('note', { wildcard: 'a\\*b' }, [
    ['[C] wildcard escaped \\* is a literal star: matches "*"', 'a*b', true],
    ['[C] wildcard escaped \\* is a literal star: "axb" no match', 'axb', false],
  ]),
  ...detailFilter('note', { wildcard: 'a.c*' }, [['[C] wildcard regex metacharacters are literal', 'abc', false]]),
  // ── [C] $or ──
  ...patternAgainst(orNumericPattern, [
    ['[C] $or nested in detail: only x-limit satisfied', counters(0, 10, 301.8), true],
    ['[C] $or nested in detail: none satisfied', counters(0, 10, 300), false],
  ]),
  ...patternAgainst(orTopLevel, [
    ['[C] $or top-level: metricName branch', cw({ metricName: 'ReadLatency' }), true],
    ['[C] $or top-level: namespace branch', cw({ namespace: 'AWS/ES' }), true],
    ['[C] $or top-level: no branch', cw({ metricName: 'WriteLatency', namespace: 'AWS/RDS' }), false],
    ['[C] $or top-level: branch ok but AND field fails', { source: 'aws.ec2', metricName: 'CPUUtilization' }, false],
  ]),
  ...patternAgainst(orNested, [
    ['[C] $or containing a nested $or: inner branch', cw({ detail: { 'c-count': 0, 'd-count': 3 } }), true],
    [
      '[C] $or containing a nested $or: nothing',
      cw({ metricName: 'X', detail: { 'c-count': 0, 'd-count': 30 } }),
      false,
    ],
  ]),
];

const each = cases.map(([name, pattern, event, expected]) => ({ name, pattern, event, expected }));

describe('matchesPattern — AWS documentation examples', () => {
  test('the table has at least 50 cases', () => expect(cases.length).toBeGreaterThanOrEqual(50));

  test.each(each)('$name', ({ pattern, event, expected }) => {
    expect(matchesPattern(pattern, event)).toBe(expected);
    // the Terraform form: event_pattern is a JSON string
    expect(matchesPattern(JSON.stringify(pattern), event)).toBe(expected);
  });

  test('compiled patterns give the same answers as matchesPattern (whole table)', () => {
    for (const { pattern, event } of each) {
      expect(compilePattern(pattern)(event)).toBe(matchesPattern(pattern, event));
    }
  });

  test('a non-object event never matches', () => {
    expect(matchesPattern({ source: [{ exists: false }] }, null as unknown as Ev)).toBe(false);
  });
});

// ── validation (what PutRule rejects) ──
type Bad = [name: string, pattern: unknown, path: string];
/** CIDR blocks PutRule rejects, by what is wrong with them; each in `{ ip: [{ cidr }] }`, named at `$.ip[0].cidr`. */
const rejectedCidrs: [what: string, blocks: unknown[]][] = [
  [
    'no prefix length, or an empty, negative, too long or second one',
    ['10.0.0.1', '10.0.0.0/', '10.0.0.0/-1', '10.0.0.0/33', '2001:db8::/129', '10.0.0.0/8/16'],
  ],
  [
    'not a dotted-quad IPv4 address (octet > 255, leading zero, three octets, space)',
    ['10.0.0.256/24', '010.0.0.0/8', '10.0.0/24', ' 10.0.0.0/8'],
  ],
  [
    'not an IPv6 address (":::", two "::", IPv4 not at the end, zone id)',
    ['2001:::1/64', '1::2::3/64', '1.2.3.4::/64', 'fe80::1%eth0/64'],
  ],
  ['not an address: a host name, or a number', ['example.com/24', 167772160]],
];
const invalid: Bad[] = [
  ['not an object', ['aws.ec2'], '$'],
  ['null pattern', null, '$'],
  ['invalid JSON text', '{"source": [', '$'],
  ['empty pattern', {}, '$'],
  ['leaf value not an array', { source: 'aws.ec2' }, '$.source'],
  ['leaf number not in an array', { detail: { count: 5 } }, '$.detail.count'],
  ['empty leaf array', { source: [] }, '$.source'],
  ['empty nested object', { detail: {} }, '$.detail'],
  ['nested array in a match list', { source: [['aws.ec2']] }, '$.source[0]'],
  ['unknown operator', { source: [{ contains: 'ec2' }] }, '$.source[0]'],
  ['two operators in one expression', { source: [{ prefix: 'a', suffix: 'b' }] }, '$.source[0]'],
  ['prefix with a number', { source: [{ prefix: 5 }] }, '$.source[0].prefix'],
  ['prefix object with an unknown key', { source: [{ prefix: { 'ignore-case': 'a' } }] }, '$.source[0].prefix'],
  [
    'suffix equals-ignore-case not a string',
    { source: [{ suffix: { 'equals-ignore-case': ['a'] } }] },
    '$.source[0].suffix.equals-ignore-case',
  ],
  ['equals-ignore-case with a list', { source: [{ 'equals-ignore-case': ['a'] }] }, '$.source[0].equals-ignore-case'],
  ['exists not boolean', { source: [{ exists: 'true' }] }, '$.source[0].exists'],
  ['numeric operand is a string', { n: [{ numeric: ['>', '5'] }] }, '$.n[0].numeric[1]'],
  ['numeric unknown operator', { n: [{ numeric: ['!=', 5] }] }, '$.n[0].numeric[0]'],
  ['numeric odd length', { n: [{ numeric: ['>', 0, '<'] }] }, '$.n[0].numeric'],
  ['numeric not an array', { n: [{ numeric: 5 }] }, '$.n[0].numeric'],
  ['numeric two lower bounds', { n: [{ numeric: ['>', 0, '>', 5] }] }, '$.n[0].numeric'],
  ['numeric range reversed', { n: [{ numeric: ['>', 10, '<', 5] }] }, '$.n[0].numeric'],
  ['numeric = combined', { n: [{ numeric: ['=', 5, '<', 10] }] }, '$.n[0].numeric'],
  ['numeric beyond ±5e9', { n: [{ numeric: ['>', 6e9] }] }, '$.n[0].numeric[1]'],
  ['anything-but mixed list', { s: [{ 'anything-but': ['a', 1] }] }, '$.s[0].anything-but'],
  ['anything-but empty list', { s: [{ 'anything-but': [] }] }, '$.s[0].anything-but'],
  ['anything-but boolean', { s: [{ 'anything-but': true }] }, '$.s[0].anything-but'],
  ['anything-but unknown inner operator', { s: [{ 'anything-but': { numeric: ['>', 1] } }] }, '$.s[0].anything-but'],
  [
    'anything-but prefix list with an empty prefix',
    { s: [{ 'anything-but': { prefix: ['a', ''] } }] },
    '$.s[0].anything-but.prefix[1]',
  ],
  [
    'anything-but suffix list with a number',
    { s: [{ 'anything-but': { suffix: ['a', 1] } }] },
    '$.s[0].anything-but.suffix[1]',
  ],
  ['anything-but prefix empty list', { s: [{ 'anything-but': { prefix: [] } }] }, '$.s[0].anything-but.prefix'],
  // Event Ruler: a range is [lower op, n, upper op, m]; the upper bound first is rejected
  ['numeric range written upper-first', { n: [{ numeric: ['<=', 5, '>', 0] }] }, '$.n[0].numeric'],
  ['numeric range upper-first with >=', { n: [{ numeric: ['<', 5, '>=', 0] }] }, '$.n[0].numeric'],
  // [C] $or: at most 1,000 combinations (11 × 10 × 10 = 1,100)
  [
    '$or beyond 1,000 combinations',
    {
      $or: Array.from({ length: 11 }, (_, i) => ({ a: [String(i)] })),
      detail: {
        $or: Array.from({ length: 10 }, (_, i) => ({ b: [String(i)] })),
        x: { $or: Array.from({ length: 10 }, (_, i) => ({ c: [String(i)] })) },
      },
    },
    '$',
  ],
  [
    'anything-but wildcard with **',
    { s: [{ 'anything-but': { wildcard: ['ok*', 'a**b'] } }] },
    '$.s[0].anything-but.wildcard[1]',
  ],
  ['wildcard with consecutive **', { s: [{ wildcard: 'arn:**' }] }, '$.s[0].wildcard'],
  ['wildcard with a bad escape', { s: [{ wildcard: 'a\\b' }] }, '$.s[0].wildcard'],
  ['wildcard not a string', { s: [{ wildcard: 1 }] }, '$.s[0].wildcard'],
  ...rejectedCidrs.flatMap(([what, blocks]) =>
    blocks.map((cidr): Bad => [`cidr ${JSON.stringify(cidr)}: ${what}`, { ip: [{ cidr }] }, '$.ip[0].cidr']),
  ),
  ['$or not an array', { $or: { a: ['1'] } }, '$.$or'],
  ['$or with one alternative', { $or: [{ a: ['1'] }] }, '$.$or'],
  ['$or with a non-object alternative', { $or: [{ a: ['1'] }, 'b'] }, '$.$or[1]'],
  ['$or with an empty alternative', { detail: { $or: [{ a: ['1'] }, {}] } }, '$.detail.$or[1]'],
  ['error deep inside $or', { $or: [{ a: ['1'] }, { b: [{ prefix: 1 }] }] }, '$.$or[1].b[0].prefix'],
  ['key with a dot is quoted in the path', { 'a.b': 'x' }, '$["a.b"]'],
];

describe('validatePattern — rejected like PutRule, naming the path', () => {
  test.each(invalid.map(([name, pattern, path]) => ({ name, pattern, path })))('$name → $path', ({ pattern, path }) => {
    let error: unknown;
    try {
      validatePattern(pattern);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidEventPatternError);
    expect((error as InvalidEventPatternError).path).toBe(path);
    expect((error as Error).message).toContain(path);
    expect(() => matchesPattern(pattern as EventPattern, {})).toThrow(InvalidEventPatternError);
  });

  test('every documented pattern in the table is valid', () => {
    for (const [, pattern] of cases) expect(() => validatePattern(pattern)).not.toThrow();
  });

  test('valid edge forms are accepted', () => {
    for (const p of [
      { s: [{ wildcard: 'a\\\\b\\**' }] },
      { n: [{ numeric: ['>=', 0, '<', 5] }] },
      { s: [{ 'anything-but': { prefix: ['a', 'b'] } }, { 'anything-but': { suffix: ['.txt', '.md'] } }] },
      // 10 × 10 × 10 = 1,000 combinations: exactly the limit
      {
        $or: Array.from({ length: 10 }, (_, i) => ({ a: [String(i)] })),
        detail: {
          $or: Array.from({ length: 10 }, (_, i) => ({ b: [String(i)] })),
          x: { $or: Array.from({ length: 10 }, (_, i) => ({ c: [String(i)] })) },
        },
      },
      { s: [{ prefix: '' }] },
      { s: [null, '', 0, false, { exists: true }] },
      { ip: [{ cidr: '::/0' }, { cidr: '0.0.0.0/0' }, { cidr: '::ffff:10.0.0.0/104' }] },
    ]) {
      expect(() => validatePattern(p)).not.toThrow();
    }
  });
});

describe('helpers', () => {
  test('cidr: IPv6 compression, embedded IPv4 and host bits in the block; malformed addresses never match', () => {
    const m = (cidr: string, ip: string) => matchesPattern({ ip: [{ cidr }] }, { ip });
    expect(m('::1/128', '0:0:0:0:0:0:0:1')).toBe(true);
    expect(m('::ffff:1.2.3.0/120', '::ffff:1.2.3.4')).toBe(true);
    expect(m('::ffff:1.2.3.0/120', '::ffff:1.2.4.4')).toBe(false);
    expect(m('10.0.0.77/24', '10.0.0.1')).toBe(true); // host bits of the block are ignored, as in the mask
    expect(m('2001:DB8::/32', '2001:db8:ffff::1')).toBe(true); // hex digits in either case
    expect(m('::/0', '10.0.0.1')).toBe(false); // every IPv6 address, but an IPv4 one is not IPv6
    for (const bad of [
      '1.2.3',
      '01.2.3.4',
      '1.2.3.4.5',
      '1:2:3:4:5:6:7',
      '1::2::3',
      'g::1',
      '1:2:3:4:5:6:7:8:9',
      '1.2.3.4::',
      'fe80::1%eth0',
      '',
      ' 1.2.3.4',
    ]) {
      expect(m('0.0.0.0/0', bad) || m('::/0', bad)).toBe(false);
    }
  });

  test('an IPv6 address matches every CIDR block computed from its own leading bits', () => {
    const group = fc.integer({ min: 0, max: 0xffff });
    fc.assert(
      fc.property(fc.array(group, { minLength: 8, maxLength: 8 }), fc.integer({ min: 0, max: 128 }), (groups, len) => {
        const n = groups.reduce((acc, g) => (acc << 16n) | BigInt(g), 0n);
        const all = (1n << 128n) - 1n;
        const net = len === 0 ? 0n : n & ((all << BigInt(128 - len)) & all);
        const text = (x: bigint) =>
          Array.from({ length: 8 }, (_, i) => ((x >> BigInt(16 * (7 - i))) & 0xffffn).toString(16)).join(':');
        const pattern = { ip: [{ cidr: `${text(net)}/${len}` }] };
        expect(matchesPattern(pattern, { ip: text(n) })).toBe(true);
        if (len > 0) expect(matchesPattern(pattern, { ip: text(n ^ (1n << BigInt(128 - len))) })).toBe(false); // last network bit flipped
      }),
    );
  });

  test('wildcard escape of a backslash matches a literal backslash', () => {
    expect(matchesPattern({ p: [{ wildcard: 'C:\\\\*' }] }, { p: 'C:\\Windows' })).toBe(true);
  });
  test('wildcards without backtracking: the pattern that took 13 s as a regex answers at once, and correctly', () => {
    // A backtracking regex (^.*a.*a…b$) explores ~C(40, 12) paths on 40 "a"s; segments placed greedily do not.
    const pathological = { p: [{ wildcard: `${'*a'.repeat(12)}*b` }] };
    expect(matchesPattern(pathological, { p: 'a'.repeat(40) })).toBe(false);
    expect(matchesPattern(pathological, { p: `${'a'.repeat(40)}b` })).toBe(true);
    expect(
      matchesPattern({ p: [{ 'anything-but': { wildcard: `${'*a'.repeat(12)}*b` } }] }, { p: 'a'.repeat(4000) }),
    ).toBe(true);
  });

  test('wildcard matching agrees with a reference regex on random patterns (fast-check)', () => {
    const alphabet = fc.constantFrom('a', 'b', '*');
    fc.assert(
      fc.property(
        fc.array(alphabet, { maxLength: 8 }),
        fc.array(fc.constantFrom('a', 'b'), { maxLength: 10 }),
        (chars, value) => {
          const w = chars.join('');
          if (w.includes('**')) return;
          const reference = new RegExp(`^${w.replace(/\*/g, '.*')}$`, 's');
          expect(matchesPattern({ p: [{ wildcard: w }] }, { p: value.join('') })).toBe(reference.test(value.join('')));
        },
      ),
      { numRuns: 2000 },
    );
  });
});

// ── properties ──
const key = fc.stringMatching(/^[a-z][a-z0-9-]{0,6}$/);
const leaf = fc.oneof(
  fc.string({ maxLength: 8 }),
  fc.integer({ min: -1000, max: 1000 }),
  fc.boolean(),
  fc.constant(null),
);
const { tree } = fc.letrec<{ tree: Ev }>((tie) => ({
  tree: fc.dictionary(key, fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf, leaf, tie('tree')), {
    minKeys: 1,
    maxKeys: 5,
  }),
}));

/** Exact-match pattern of every leaf of `event` (empty nested objects are skipped: `{}` is not a valid pattern). */
function exactPattern(event: Ev): EventPattern | undefined {
  const out: EventPattern = {};
  for (const [k, v] of Object.entries(event)) {
    if (v !== null && typeof v === 'object') {
      const sub = exactPattern(v as Ev);
      if (sub) out[k] = sub;
    } else out[k] = [v];
  }
  return Object.keys(out).length ? out : undefined;
}
function leafPaths(event: Ev, prefix: string[] = []): string[][] {
  return Object.entries(event).flatMap(([k, v]) =>
    v !== null && typeof v === 'object' ? leafPaths(v as Ev, [...prefix, k]) : [[...prefix, k]],
  );
}
const changed = (v: unknown): unknown =>
  typeof v === 'string' ? `${v}x` : typeof v === 'number' ? v + 1 : typeof v === 'boolean' ? !v : 'null';
function withValue(event: Ev, path: string[], value: unknown): Ev {
  const [head, ...rest] = path;
  return { ...event, [head]: rest.length ? withValue(event[head] as Ev, rest, value) : value };
}

describe('properties (fast-check)', () => {
  test('an exact-match pattern built from an event matches it; changing one matched value breaks the match', () => {
    fc.assert(
      fc.property(tree, fc.nat(), (event, pick) => {
        const pattern = exactPattern(event);
        fc.pre(pattern !== undefined);
        expect(matchesPattern(pattern!, event)).toBe(true);
        const paths = leafPaths(event);
        const path = paths[pick % paths.length];
        const original = path.reduce<unknown>((node, k) => (node as Ev)[k], event);
        const mutated = withValue(event, path, changed(original));
        expect(matchesPattern(pattern!, mutated)).toBe(false);
        expect(compilePattern(pattern!)(mutated)).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  test('for a present leaf, [v] and [{anything-but: v}] are complements', () => {
    const value = fc.oneof(fc.string({ maxLength: 4 }), fc.integer({ min: -5, max: 5 }));
    fc.assert(
      fc.property(value, value, (p, e) => {
        const event = { f: e };
        expect(matchesPattern({ f: [{ 'anything-but': p }] }, event)).toBe(!matchesPattern({ f: [p] }, event));
      }),
    );
  });

  test('exists:true and exists:false are complements for any field', () => {
    fc.assert(
      fc.property(tree, key, (event, k) => {
        expect(matchesPattern({ [k]: [{ exists: true }] }, event)).toBe(
          !matchesPattern({ [k]: [{ exists: false }] }, event),
        );
      }),
    );
  });

  test('an IPv4 address matches every CIDR block computed from its own leading bits', () => {
    const octet = fc.integer({ min: 0, max: 255 });
    fc.assert(
      fc.property(fc.tuple(octet, octet, octet, octet), fc.integer({ min: 0, max: 32 }), (ip, len) => {
        const n = ((ip[0] << 24) | (ip[1] << 16) | (ip[2] << 8) | ip[3]) >>> 0;
        const net = len === 0 ? 0 : (n & (0xffffffff << (32 - len))) >>> 0;
        const dotted = (x: number) => [24, 16, 8, 0].map((s) => (x >>> s) & 255).join('.');
        const pattern = { ip: [{ cidr: `${dotted(net)}/${len}` }] };
        expect(matchesPattern(pattern, { ip: ip.join('.') })).toBe(true);
        if (len > 0) {
          const flipped = (n ^ (1 << (32 - len))) >>> 0; // flip the last network bit
          expect(matchesPattern(pattern, { ip: dotted(flipped) })).toBe(false);
        }
      }),
    );
  });

  test('a wildcard made of an escaped literal matches exactly that literal', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 10 }), fc.string({ maxLength: 3 }), (s, extra) => {
        const w = s.replace(/[\\*]/g, (c) => `\\${c}`);
        expect(matchesPattern({ f: [{ wildcard: w }] }, { f: s })).toBe(true);
        if (extra) expect(matchesPattern({ f: [{ wildcard: w }] }, { f: s + extra })).toBe(false);
      }),
    );
  });
});
