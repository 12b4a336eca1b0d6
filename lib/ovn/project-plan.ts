// Projects: `default` always exists; the others are keys `hvnet:project:<name>` in NB_Global's
// external_ids (value: JSON {description}). A project with networks cannot be deleted.
import { mutation, where } from '../ovsdb/operations.js';
import { map, set, uuid } from '../ovsdb/values.js';
import { nb } from './nb-operations.js';
import { ProjectExistsError, ProjectNotEmptyError, ProjectNotFoundError, ProjectProtectedError } from './errors.js';
import { globalAbsent, globalUnchanged, projectEmpty } from './guards.js';
import { projectKey } from './ids.js';
import { DEFAULT_PROJECT, checkDescription, checkName } from './names.js';
import { TxnBuilder } from './plan.js';
import type { Plan, PlanOptions } from './plan.js';
import { encodeProject } from './state.js';
import type { NbView } from './state.js';

export interface ProjectInfo {
  name: string;
  description: string;
  networks: number;
}

export interface CreateProjectRequest {
  name: string;
  description?: string;
}

export function projectInfo(view: NbView, name: string, description: string): ProjectInfo {
  return { name, description, networks: view.networks(name).length };
}

export function listProjects(view: NbView): ProjectInfo[] {
  return view.projects().map((p) => projectInfo(view, p.name, p.description));
}

export function planCreateProject(view: NbView, req: CreateProjectRequest, opts: PlanOptions = {}): Plan<ProjectInfo> {
  const name = checkName('project', req.name);
  const description = checkDescription(req.description, { project: name });
  const existing = view.project(name);
  if (existing) {
    if (opts.replay && existing.description === description) return { operations: [], result: projectInfo(view, name, description), changes: [] };
    throw new ProjectExistsError({ project: name });
  }
  const tx = new TxnBuilder();
  const value = encodeProject({ description });
  const global = view.nbGlobal();
  if (!global) {
    // No ovn-northd or ovn-nbctl has made the root row yet; exactly one writer may.
    tx.guard('global-absent', globalAbsent());
    tx.write(nb.insert('NB_Global', { external_ids: map({ [projectKey(name)]: value }) }));
  } else {
    // A concurrent create of the same project changes these: the loser re-plans and is told it exists.
    tx.guard('global', globalUnchanged(global));
    tx.write(nb.mutate('NB_Global', [where('_uuid', '==', uuid(global._uuid))], [mutation('external_ids', 'insert', map({ [projectKey(name)]: value }))]));
  }
  return { operations: tx.operations(), result: { name, description, networks: 0 }, changes: [] };
}

export function planDeleteProject(view: NbView, req: { name: string }, opts: PlanOptions = {}): Plan<{ name: string }> {
  const name = checkName('project', req.name);
  if (name === DEFAULT_PROJECT) throw new ProjectProtectedError({ project: name });
  const global = view.nbGlobal();
  if (!view.project(name) || !global) {
    if (opts.replay) return { operations: [], result: { name }, changes: [] };
    throw new ProjectNotFoundError({ project: name });
  }
  const networks = view.networks(name);
  if (networks.length > 0) throw new ProjectNotEmptyError({ project: name }, networks.map((n) => n.name));
  const tx = new TxnBuilder();
  // A network created in the project meanwhile (on another host) makes the delete fail and re-plan.
  tx.guard('project-empty', projectEmpty(name));
  tx.guard('global', globalUnchanged(global));
  tx.write(nb.mutate('NB_Global', [where('_uuid', '==', uuid(global._uuid))], [mutation('external_ids', 'delete', set([projectKey(name)]))]));
  return { operations: tx.operations(), result: { name }, changes: [] };
}
