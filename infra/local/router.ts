/** Matches requests to route keys ("GET /events/{id}") as API Gateway does: literal segments win over parameters. */
import type { RouteMatch } from './apigw.ts';

interface CompiledRoute {
  method: string;
  routeKey: string;
  segments: string[];
}

export class Router<T> {
  private readonly routes: (CompiledRoute & { target: T })[] = [];

  add(routeKey: string, target: T): void {
    const [method, path] = routeKey.split(' ') as [string, string];
    this.routes.push({ method, routeKey, segments: path.split('/').slice(1), target });
    // More literal segments first, so /events/{id}/history is never taken for a parameter.
    this.routes.sort((a, b) => literalScore(b.segments) - literalScore(a.segments));
  }

  /**
   * The route for a request; `methods` lists what the path allows when only the method is wrong; `undecodable`
   * when a segment is not percent-encoded UTF-8 (no route could take it as a parameter).
   */
  match(method: string, path: string): { route?: RouteMatch & { target: T }; methods: string[]; undecodable?: true } {
    const segments = path.split('/').slice(1);
    if (segments.some((segment) => !decodable(segment))) return { methods: [], undecodable: true };
    const methods: string[] = [];
    for (const route of this.routes) {
      const parameters = matchSegments(route.segments, segments);
      if (!parameters) continue;
      if (route.method === method) {
        return { route: { routeKey: route.routeKey, target: route.target, ...(Object.keys(parameters).length > 0 ? { pathParameters: parameters } : {}) }, methods };
      }
      methods.push(route.method);
    }
    return { methods };
  }
}

function decodable(segment: string): boolean {
  try {
    decodeURIComponent(segment);
    return true;
  } catch {
    return false;
  }
}

function literalScore(segments: string[]): number {
  return segments.reduce((score, segment) => score * 2 + (segment.startsWith('{') ? 0 : 1), segments.length * 1000);
}

function matchSegments(pattern: string[], actual: string[]): Record<string, string> | undefined {
  if (pattern.length !== actual.length) return undefined;
  const parameters: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const expected = pattern[i]!;
    if (expected.startsWith('{')) {
      if (actual[i] === '') return undefined;
      parameters[expected.slice(1, -1)] = decodeURIComponent(actual[i]!);
    } else if (expected !== actual[i]) return undefined;
  }
  return parameters;
}
