/**
 * The structure CI systems read from JUnit XML, as rules: the Jenkins/Surefire schema (junit-10.xsd
 * of the Jenkins xunit plugin, also what GitLab, Azure DevOps and the GitHub test reporters accept)
 * for elements, their order and attributes, plus the count consistency those tools rely on.
 */
import type { XmlElement } from "./xml.js";

const ATTRS: Record<string, { required: string[]; allowed: string[] }> = {
  testsuites: { required: [], allowed: ["name", "time", "tests", "failures", "disabled", "errors"] },
  testsuite: {
    required: ["name", "tests"],
    allowed: ["name", "tests", "failures", "errors", "group", "time", "skipped", "timestamp", "hostname", "id", "package", "file", "log", "url", "version", "disabled"],
  },
  properties: { required: [], allowed: [] },
  property: { required: ["name", "value"], allowed: ["name", "value"] },
  testcase: { required: ["name"], allowed: ["name", "assertions", "time", "classname", "status", "class", "file", "line"] },
  failure: { required: [], allowed: ["message", "type"] },
  error: { required: [], allowed: ["message", "type"] },
  skipped: { required: [], allowed: ["message", "type"] },
  "system-out": { required: [], allowed: [] },
  "system-err": { required: [], allowed: [] },
};

const COUNT = /^\d+$/;
const DECIMAL = /^\d+(\.\d+)?$/;
/** xs:dateTime as the Ant/Surefire schemas write it: no zone. */
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/;

export function junitProblems(root: XmlElement): string[] {
  const problems: string[] = [];
  const attrs = (el: XmlElement, path: string) => {
    const spec = ATTRS[el.name];
    if (!spec) return void problems.push(`${path}: unexpected element <${el.name}>`);
    for (const a of spec.required) if (!(a in el.attrs)) problems.push(`${path}: missing attribute ${a}`);
    for (const a of Object.keys(el.attrs)) if (!spec.allowed.includes(a)) problems.push(`${path}: attribute ${a} is not in the schema`);
  };
  const noElements = (el: XmlElement, path: string) => {
    if (el.children.length > 0) problems.push(`${path}: <${el.name}> holds elements`);
  };
  const int = (el: XmlElement, a: string, path: string): number | undefined => {
    const v = el.attrs[a];
    if (v === undefined) return undefined;
    if (!COUNT.test(v)) problems.push(`${path}@${a}: "${v}" is not a count`);
    return Number(v);
  };

  if (root.name !== "testsuites") return [`root is <${root.name}>, not <testsuites>`];
  attrs(root, "testsuites");
  if (root.attrs.time !== undefined && !DECIMAL.test(root.attrs.time)) problems.push(`testsuites@time: "${root.attrs.time}"`);
  const totals = { tests: 0, failures: 0, errors: 0 };

  root.children.forEach((suite, si) => {
    const sp = `testsuite[${si}]`;
    if (suite.name !== "testsuite") return void problems.push(`${sp}: <${suite.name}> inside <testsuites>`);
    attrs(suite, sp);
    if (suite.attrs.name === "") problems.push(`${sp}: empty name`);
    if (suite.attrs.time !== undefined && !DECIMAL.test(suite.attrs.time)) problems.push(`${sp}@time: "${suite.attrs.time}"`);
    if (suite.attrs.timestamp !== undefined && !TIMESTAMP.test(suite.attrs.timestamp)) problems.push(`${sp}@timestamp: "${suite.attrs.timestamp}"`);
    // Order: properties?, testcase*, system-out?, system-err?
    const order = ["properties", "testcase", "system-out", "system-err"];
    let last = -1;
    const seen = new Set<string>();
    for (const child of suite.children) {
      const at = order.indexOf(child.name);
      if (at === -1) problems.push(`${sp}: <${child.name}> is not allowed in <testsuite>`);
      else if (at < last) problems.push(`${sp}: <${child.name}> out of order`);
      else if (child.name !== "testcase" && seen.has(child.name)) problems.push(`${sp}: second <${child.name}>`);
      last = Math.max(last, at);
      seen.add(child.name);
    }
    for (const props of suite.children.filter((c) => c.name === "properties")) {
      attrs(props, `${sp}/properties`);
      if (props.children.length === 0) problems.push(`${sp}/properties: empty`);
      for (const p of props.children) {
        if (p.name !== "property") problems.push(`${sp}/properties: <${p.name}>`);
        else {
          attrs(p, `${sp}/property`);
          noElements(p, `${sp}/property`);
        }
      }
    }
    for (const out of suite.children.filter((c) => c.name === "system-out" || c.name === "system-err")) {
      attrs(out, `${sp}/${out.name}`);
      noElements(out, `${sp}/${out.name}`);
    }

    const cases = suite.children.filter((c) => c.name === "testcase");
    const counted = { failures: 0, errors: 0, skipped: 0 };
    cases.forEach((tc, ci) => {
      const cp = `${sp}/testcase[${ci}]`;
      attrs(tc, cp);
      if (!tc.attrs.name) problems.push(`${cp}: empty name`);
      if (tc.attrs.time !== undefined && !DECIMAL.test(tc.attrs.time)) problems.push(`${cp}@time: "${tc.attrs.time}"`);
      const outcomes = tc.children.filter((c) => ["failure", "error", "skipped"].includes(c.name));
      // The schema allows several; the CI tools count a testcase once, by its first outcome.
      if (outcomes.length > 1) problems.push(`${cp}: more than one of failure/error/skipped`);
      for (const c of tc.children) {
        if (!["failure", "error", "skipped", "system-out", "system-err"].includes(c.name)) problems.push(`${cp}: <${c.name}> is not allowed in <testcase>`);
        attrs(c, `${cp}/${c.name}`);
        noElements(c, `${cp}/${c.name}`);
      }
      const kind = outcomes[0]?.name;
      if (kind === "failure") counted.failures++;
      if (kind === "error") counted.errors++;
      if (kind === "skipped") counted.skipped++;
    });
    if (int(suite, "tests", sp) !== cases.length) problems.push(`${sp}@tests=${suite.attrs.tests} but ${cases.length} testcases`);
    for (const k of ["failures", "errors", "skipped"] as const) {
      const v = int(suite, k, sp);
      if (v !== undefined && v !== counted[k]) problems.push(`${sp}@${k}=${v} but ${counted[k]} testcases`);
    }
    totals.tests += cases.length;
    totals.failures += counted.failures;
    totals.errors += counted.errors;
  });
  for (const k of ["tests", "failures", "errors"] as const) {
    const v = int(root, k, "testsuites");
    if (v !== undefined && v !== totals[k]) problems.push(`testsuites@${k}=${v} but the suites hold ${totals[k]}`);
  }
  return problems;
}
