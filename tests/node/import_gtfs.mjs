// node-gtfs (npm "gtfs") imports a GTFS zip into SQLite and prints how many rows of each table it read.
import { importGtfs, openDb, getRoutes, getStops, getTrips, getStoptimes, getCalendars, getFeedInfo } from 'gtfs';
const [zip] = process.argv.slice(2);
const config = { sqlitePath: ':memory:', agencies: [{ path: zip }], verbose: false };
await importGtfs(config);
const db = openDb(config);
console.log(JSON.stringify({ routes: getRoutes({}, [], [], { db }).length, stops: getStops({}, [], [], { db }).length,
  trips: getTrips({}, [], [], { db }).length, stop_times: getStoptimes({}, [], [], { db }).length,
  calendars: getCalendars({}, [], [], { db }).length, feed_info: getFeedInfo({}, [], [], { db }).length }));
