import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';

/** data/geo/README.md says where these come from. */
const GEO_DIR = fileURLToPath(new URL('../../../data/geo/', import.meta.url));

export interface Point {
  lat: number;
  lon: number;
}

function readPoints(file: string, key: string, lat: string, lon: string): Map<string, Point> {
  const rows = parse<Record<string, string>>(readFileSync(GEO_DIR + file, 'utf8'), {
    columns: true,
    bom: true,
    skip_empty_lines: true,
  });
  const points = new Map<string, Point>();
  for (const row of rows) {
    const p = { lat: Number(row[lat]), lon: Number(row[lon]) };
    const k = row[key];
    if (k && Number.isFinite(p.lat) && Number.isFinite(p.lon)) points.set(k, p);
  }
  return points;
}

let seats: Map<string, Point> | undefined;
let outcodes: Map<string, Point> | undefined;

/** Seat centroids: the largest part's, so island seats get a point on land. */
export function seatCentroid(code: string): Point | undefined {
  seats ??= readPoints(
    'constituency_centroids_2010_boundaries.csv',
    'pcon_code',
    'largest_part_centroid_lat',
    'largest_part_centroid_long',
  );
  return seats.get(code);
}

/** The mean position of a postcode district's postcodes. */
export function outcodeCentroid(outcode: string): Point | undefined {
  outcodes ??= readPoints('postcode_outcode_centroids.csv', 'outcode', 'latitude', 'longitude');
  return outcodes.get(outcode);
}

const EARTH_RADIUS_KM = 6371.0088;

/** Great-circle distance in kilometres. */
export function distanceKm(a: Point, b: Point): number {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLon = (b.lon - a.lon) * rad;
  const h =
    Math.sin(dLat / 2) ** 2 +
    Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}
