import { compare } from './mirror-compare';
import { compareRepositories } from './github-reconciler';

const at = (ms: number) => new Date(ms);

describe("compare: Clerk's version of a row against the mirror's", () => {
  it('creates what is missing, updates what Clerk changed later, leaves the rest', () => {
    expect(compare(undefined, at(2))).toBe('created');
    const row = { deleted: false, deletedAt: null, clerkUpdatedAt: at(1) };
    expect(compare(row, at(2))).toBe('updated');
    expect(compare(row, at(1))).toBe('unchanged');
    expect(compare(row, at(0))).toBe('unchanged');
    // A placeholder (from a membership) or a row made here: Clerk's description wins.
    expect(compare({ ...row, clerkUpdatedAt: null }, at(0))).toBe('updated');
  });

  it('restores a deleted row only when Clerk changed it after the deletion', () => {
    const deleted = { deleted: true, deletedAt: at(5), clerkUpdatedAt: at(5) };
    expect(compare(deleted, at(6))).toBe('restored');
    expect(compare(deleted, at(5))).toBe('unchanged');
    expect(compare(deleted, at(4))).toBe('unchanged');
  });
});

describe("compareRepositories: GitHub's list against the installation's rows", () => {
  it('counts new, renamed, restored, removed and unchanged repositories', () => {
    const rows = [
      { id: '1', name: 'a/same', deleted: false },
      { id: '2', name: 'a/old', deleted: false },
      { id: '3', name: 'a/back', deleted: true },
      { id: '4', name: 'a/removed', deleted: false },
      { id: '5', name: 'a/long-gone', deleted: true },
    ];
    const snapshot = [
      { id: '1', name: 'a/same' },
      { id: '2', name: 'a/new' },
      { id: '3', name: 'a/back' },
      { id: '6', name: 'a/added' },
    ];
    const { outcomes, unchanged } = compareRepositories(rows, snapshot);
    expect(unchanged).toBe(1);
    expect([...outcomes].sort()).toEqual(['created', 'deleted', 'updated', 'updated']);
  });
});
