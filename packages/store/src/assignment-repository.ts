import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { assignmentVersion, EdgeLabError, isEdgeLabError, parseAssignment, parseAssignmentText } from '@edgelab/core';
import type { Assignment } from '@edgelab/core';
import type { Selectable } from 'kysely';
import type { AssignmentsTable, AssignmentVersionsTable } from './database.js';
import { fromRequiredJsonColumn } from './json-column.js';
import type { AssignmentRef, AssignmentRepository, AssignmentUpsertOutcome, LoadDirectoryOutcome, StoredAssignment } from './store.js';
import type { StoreContext } from './store-context.js';

type VersionRow = Selectable<AssignmentVersionsTable> & Pick<Selectable<AssignmentsTable>, 'current_version'>;

function toStoredAssignment(row: VersionRow): StoredAssignment {
  return {
    id: row.assignment_id,
    version: row.version,
    definition: fromRequiredJsonColumn<Assignment>(row.definition_json, 'assignment_versions.definition_json', `assignment ${row.assignment_id} version ${row.version}`),
    createdAt: new Date(Number(row.created_at)),
    updatedAt: new Date(Number(row.activated_at)),
    current: row.current_version === row.version,
  };
}

/** Assignment definitions on the store's database, every version kept. */
export function createAssignmentRepository(ctx: StoreContext): AssignmentRepository {
  const { db } = ctx.database;
  const versions = () =>
    db
      .selectFrom('assignment_versions as v')
      .innerJoin('assignments as a', 'a.id', 'v.assignment_id')
      .selectAll('v')
      .select('a.current_version');

  async function upsert(input: unknown, source = 'assignment'): Promise<AssignmentUpsertOutcome> {
    const assignment = parseAssignment(input, source);
    const version = assignmentVersion(assignment);
    const definitionJson = JSON.stringify(assignment);
    return ctx.database.writeTransaction(async (trx) => {
      const now = ctx.now();
      const inserted = await trx
        .insertInto('assignments')
        .values({ id: assignment.id, current_version: version, created_at: now, updated_at: now })
        .onConflict((oc) => oc.doNothing())
        .returning('id')
        .executeTakeFirst();
      const newVersion = await trx
        .insertInto('assignment_versions')
        .values({ assignment_id: assignment.id, version, definition_json: definitionJson, created_at: now, activated_at: now })
        .onConflict((oc) => oc.doNothing())
        .returning('version')
        .executeTakeFirst();
      if (inserted) return { id: assignment.id, version, change: 'created' };
      const moved = await trx
        .updateTable('assignments')
        .set({ current_version: version, updated_at: now })
        .where('id', '=', assignment.id)
        .where('current_version', '<>', version)
        .returning('id')
        .executeTakeFirst();
      if (!moved) return { id: assignment.id, version, change: 'unchanged' };
      if (!newVersion) {
        await trx.updateTable('assignment_versions').set({ activated_at: now }).where('assignment_id', '=', assignment.id).where('version', '=', version).execute();
      }
      return { id: assignment.id, version, change: newVersion ? 'created' : 'restored' };
    });
  }

  async function loadDirectory(dir: string): Promise<LoadDirectoryOutcome> {
    let names: string[];
    try {
      names = (await readdir(dir, { withFileTypes: true })).filter((e) => e.isFile() && e.name.endsWith('.json')).map((e) => e.name);
    } catch (error) {
      throw new EdgeLabError({
        code: 'CONFIG_INVALID',
        message: `cannot read assignments directory ${dir}: ${error instanceof Error ? error.message : String(error)}; check the path`,
        cause: error,
      });
    }
    names.sort();
    const outcome: LoadDirectoryOutcome = { loaded: [], unchanged: [], errors: [] };
    const fileOfId = new Map<string, string>();
    for (const name of names) {
      const file = join(dir, name);
      let assignment: Assignment;
      try {
        assignment = parseAssignmentText(await readFile(file, 'utf8'), file);
      } catch (error) {
        if (isEdgeLabError(error, 'ASSIGNMENT_INVALID')) outcome.errors.push(...(error.details.length > 0 ? error.details : [error.message]));
        else outcome.errors.push(`${file}: ${error instanceof Error ? error.message : String(error)}`);
        continue;
      }
      const earlier = fileOfId.get(assignment.id);
      if (earlier !== undefined) {
        outcome.errors.push(`${file}: id: "${assignment.id}" is already defined in ${earlier}; every assignment needs its own id`);
        continue;
      }
      fileOfId.set(assignment.id, file);
      const result = await upsert(assignment, file);
      const ref: AssignmentRef = { id: result.id, version: result.version };
      (result.change === 'unchanged' ? outcome.unchanged : outcome.loaded).push(ref);
    }
    return outcome;
  }

  return {
    upsert,
    loadDirectory,
    async get(id) {
      const row = await versions().where('v.assignment_id', '=', id).whereRef('v.version', '=', 'a.current_version').executeTakeFirst();
      return row && toStoredAssignment(row);
    },
    async getVersion(id, version) {
      const row = await versions().where('v.assignment_id', '=', id).where('v.version', '=', version).executeTakeFirst();
      return row && toStoredAssignment(row);
    },
    async list() {
      const rows = await versions().whereRef('v.version', '=', 'a.current_version').orderBy('v.assignment_id').execute();
      return rows.map(toStoredAssignment);
    },
    async listVersions(id) {
      const rows = await versions().where('v.assignment_id', '=', id).orderBy('v.created_at').orderBy('v.version').execute();
      return rows.map(toStoredAssignment);
    },
  };
}
