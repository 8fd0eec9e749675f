import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { loadConfig } from '../config/app-config';
import { dataSourceOptions } from './data-source-options';

/** The data source of the TypeORM CLI (migration:run / revert / generate); the app builds the same options. */
export default new DataSource(dataSourceOptions(loadConfig()));
