import { writeFileSync } from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';
import { duckScoresSql } from './duck-sql.ts';
const instance = await DuckDBInstance.create(':memory:', { threads: '2' });
const db = await instance.connect();
await db.runAndReadAll(`create table events as select * from read_csv('bench/scoring/out/c100000-e5000000-s7.csv', header = true, columns = {'customer_id': 'INTEGER', 'ts': 'INTEGER', 'kind': 'UTINYINT', 'amount': 'INTEGER'})`);
await db.runAndReadAll(`pragma enable_profiling = 'json'`);
await db.runAndReadAll(`pragma profiling_output = '/tmp/duck-prof.json'`);
await db.runAndReadAll(duckScoresSql(1735689600));
