/**
 * The mixed workload of the load benchmark: what one storefront client does next, drawn from
 * fixed weights, and the writes it must find (or not find) afterwards.
 *
 * Legitimate: text searches, photo searches (a fresh upload each time: unique bytes, so the
 * image cache never answers), product reads, indexProduct with 1-2 new photos and a
 * catalog:write key, deleteProduct of one of the client's own earlier products. Abusive: an
 * alias bomb, a token bomb, an SVG, a truncated JPEG, a JSON value for an Upload, an 11 MB
 * upload, and writes with no key or a bogus one. Each request is one Outcome under its kind.
 */
import { colourPhoto } from '../../test/helpers/toy-model';
import type { Outcome, Sender } from './requests';
import { postJson, postUpload } from './requests';

export const COLOURS = ['red', 'orange', 'yellow', 'green', 'blue', 'purple', 'white', 'black'];
export const CATEGORIES = ['shirts', 'shoes', 'bags', 'hats', 'toys'];

const TEXT_SEARCH = `query($text: String!, $filter: ProductFilter) {
  similarImages(text: $text, filter: $filter, first: 10) {
    edges { cursor node { score product { id title price } } } pageInfo { hasNextPage } } }`;
const PHOTO_SEARCH = `query($image: Upload) {
  similarImages(image: $image, first: 10) {
    edges { node { score product { id title } matchedImage { id } } } } }`;
const READ = 'query($id: ID!) { product(id: $id) { id title price images { id } } }';
const INDEX = 'mutation($input: ProductInput!) { indexProduct(input: $input) { id } }';
const DELETE = 'mutation($id: ID!) { deleteProduct(id: $id) { id deleted } }';

export interface Photos {
  /** A JPEG of this colour, unique bytes every call (a trailer after EOI, no re-encode). */
  fresh(colour: string): Buffer;
  readonly svg: Buffer;
  readonly truncated: Buffer;
  readonly oversized: Buffer;
}

export async function makePhotos(): Promise<Photos> {
  const bases = new Map<string, Buffer>();
  for (const [i, colour] of COLOURS.entries()) {
    bases.set(
      colour,
      await colourPhoto(colour, { width: 480, height: 480, format: 'jpeg', noise: 40, seed: i }),
    );
  }
  let counter = 0;
  const fresh = (colour: string) => {
    counter += 1;
    return Buffer.concat([bases.get(colour) as Buffer, Buffer.from(`load-${counter}`)]);
  };
  const red = bases.get('red') as Buffer;
  const oversized = Buffer.alloc(11 * 1024 * 1024, 7);
  red.copy(oversized, 0, 0, 64);
  return {
    fresh,
    svg: Buffer.from(
      `<svg xmlns="http://www.w3.org/2000/svg" width="4000" height="4000">${'<rect width="9" height="9"/>'.repeat(2000)}</svg>`,
    ),
    truncated: red.subarray(0, Math.floor(red.length * 0.4)),
    oversized,
  };
}

/** What the run wrote, for the check afterwards. */
export interface WriteLedger {
  /** Acknowledged indexProduct ids not deleted since: must be there. */
  readonly present: Set<string>;
  /** Acknowledged deletes: must be gone. */
  readonly deleted: Set<string>;
  /** Writes refused with a known outcome (no key, bad key, OVERLOADED, ...): must be absent. */
  readonly refused: Set<string>;
  /** Writes whose outcome the service said is UNKNOWN: either way is right. */
  readonly unknown: Set<string>;
}

export function newLedger(): WriteLedger {
  return { present: new Set(), deleted: new Set(), refused: new Set(), unknown: new Set() };
}

export interface Client {
  readonly id: number;
  readonly anonymous: Sender;
  readonly writer: Sender;
  readonly random: () => number;
  readonly photos: Photos;
  readonly seededIds: number;
  readonly ledger: WriteLedger;
  /** This client's acknowledged, not yet deleted products. */
  readonly own: string[];
  next: number;
}

const pick = <T>(client: Client, items: readonly T[]): T =>
  items[Math.floor(client.random() * items.length)] as T;

export function textSearch(client: Client): Promise<Outcome> {
  const text = `${pick(client, COLOURS)} ${pick(client, CATEGORIES)}`;
  const filter = client.random() < 0.3 ? { category: pick(client, CATEGORIES) } : undefined;
  return postJson(client.anonymous, TEXT_SEARCH, { text, filter });
}

export function photoSearch(client: Client): Promise<Outcome> {
  const bytes = client.photos.fresh(pick(client, COLOURS));
  return postUpload(
    client.anonymous,
    PHOTO_SEARCH,
    { image: null },
    {
      'variables.image': { bytes, filename: 'query.jpg', contentType: 'image/jpeg' },
    },
  );
}

function read(client: Client): Promise<Outcome> {
  // One read in ten asks for an id that does not exist (null, not an error).
  const n = Math.floor(client.random() * client.seededIds * 1.1);
  return postJson(client.anonymous, READ, { id: `s${n}` });
}

function productInput(client: Client, id: string) {
  const colour = pick(client, COLOURS);
  return {
    id,
    title: `${colour} ${pick(client, CATEGORIES)} from load client ${client.id}`,
    category: pick(client, CATEGORIES),
    price: Math.round(client.random() * 20_000) / 100,
    currency: 'USD',
    images: client.random() < 0.5 ? [null] : [null, null],
  };
}

function recordWrite(client: Client, id: string, outcome: Outcome): void {
  const ledger = client.ledger;
  if (outcome.code === 'OK') {
    ledger.present.add(id);
    client.own.push(id);
  } else if (outcome.details?.['outcome'] === 'UNKNOWN') ledger.unknown.add(id);
  else ledger.refused.add(id);
}

function writeProduct(client: Client, sender: Sender, id: string): Promise<Outcome> {
  const input = productInput(client, id);
  const files = Object.fromEntries(
    input.images.map((_, i) => [
      `variables.input.images.${i}`,
      { bytes: client.photos.fresh(pick(client, COLOURS)), filename: `${i}.jpg` },
    ]),
  );
  return postUpload(sender, INDEX, { input }, files);
}

async function index(client: Client): Promise<Outcome> {
  client.next += 1;
  const id = `L${client.id}-${client.next}`;
  const outcome = await writeProduct(client, client.writer, id);
  recordWrite(client, id, outcome);
  return outcome;
}

async function remove(client: Client): Promise<Outcome> {
  const id = client.own.shift();
  if (id === undefined) return read(client);
  const outcome = await postJson(client.writer, DELETE, { id });
  if (outcome.code === 'OK') {
    client.ledger.present.delete(id);
    client.ledger.deleted.add(id);
  } else {
    client.own.unshift(id);
  }
  return outcome;
}

function aliasBomb(client: Client): Promise<Outcome> {
  const fields = Array.from({ length: 40 }, (_, i) => `a${i}: product(id: "s${i}") { id }`);
  return postJson(client.anonymous, `{ ${fields.join(' ')} }`);
}

function tokenBomb(client: Client): Promise<Outcome> {
  return postJson(client.anonymous, `{ product(id: "s1") { ${'id '.repeat(5000)}} }`);
}

function badUpload(client: Client, bytes: Buffer, filename: string): Promise<Outcome> {
  return postUpload(
    client.anonymous,
    PHOTO_SEARCH,
    { image: null },
    { 'variables.image': { bytes, filename } },
  );
}

function jsonForUpload(client: Client): Promise<Outcome> {
  return postJson(client.anonymous, PHOTO_SEARCH, { image: 'not-a-file' });
}

async function refusedWrite(client: Client, sender: Sender): Promise<Outcome> {
  client.next += 1;
  const id = `X${client.id}-${client.next}`;
  const outcome = await writeProduct(client, sender, id);
  recordWrite(client, id, outcome);
  return outcome;
}

type Operation = (client: Client) => Promise<Outcome>;

/** Kinds and weights (out of 1000); abusive kinds are prefixed `abuse:`. */
export const OPERATIONS: ReadonlyArray<readonly [string, number, Operation]> = [
  ['text search', 330, textSearch],
  ['photo search', 200, photoSearch],
  ['read', 200, read],
  ['index', 80, index],
  ['delete', 40, remove],
  ['abuse: 40 aliases', 25, aliasBomb],
  ['abuse: 5000 tokens', 25, tokenBomb],
  ['abuse: SVG upload', 25, (c) => badUpload(c, c.photos.svg, 'bomb.svg')],
  ['abuse: truncated JPEG', 25, (c) => badUpload(c, c.photos.truncated, 'cut.jpg')],
  ['abuse: 11 MB upload', 5, (c) => badUpload(c, c.photos.oversized, 'big.jpg')],
  ['abuse: JSON for Upload', 15, jsonForUpload],
  ['abuse: write, no key', 15, (c) => refusedWrite(c, c.anonymous)],
  [
    'abuse: write, bogus key',
    15,
    (c) => refusedWrite(c, { ...c.anonymous, authorization: 'Bearer pis_bogus' }),
  ],
];

export function chooseOperation(client: Client): readonly [string, Operation] {
  let roll = client.random() * 1000;
  for (const [name, weight, operation] of OPERATIONS) {
    roll -= weight;
    if (roll < 0) return [name, operation];
  }
  const [name, , operation] = OPERATIONS[0] as (typeof OPERATIONS)[number];
  return [name, operation];
}
