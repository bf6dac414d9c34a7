// The spellings of a module name, from its plural kebab-case form (e.g. work-items).
const pascal = (s) => s.replace(/(^|-)([a-z0-9])/g, (_, __, c) => c.toUpperCase());

export const NAME_PATTERN = /^[a-z][a-z0-9]*(-[a-z0-9]+)*s$/;

export function namesOf(plural) {
  const singular = plural.endsWith('ies') ? `${plural.slice(0, -3)}y` : plural.slice(0, -1);
  return {
    plural, // work-items
    singular, // work-item
    Plural: pascal(plural), // WorkItems
    Singular: pascal(singular), // WorkItem
    camelPlural: pascal(plural).replace(/^./, (c) => c.toLowerCase()), // workItems
    table: plural.replace(/-/g, '_'), // work_items
    ENTITY: singular.replace(/-/g, '_').toUpperCase(), // WORK_ITEM
    prefix: singular.replace(/-/g, '').slice(0, 3), // wor
  };
}
