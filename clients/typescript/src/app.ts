// A frontend's use of the generated types, compiled under tsc --strict: if the schema
// changes a field these screens read (a type, nullability, an enum value), this fails.
import type {
  DutyRecordsQuery,
  EvidenceStage,
  HazardEvidenceQuery,
  UploadEvidenceFileMutationVariables,
  EnumLabelSetsQuery,
  HazardDetailQuery,
  HazardLedgerQuery,
  HazardState,
  MyObligationsQuery,
  ObligationStatus,
  RecordPerformanceMutationVariables,
  ReportHazardMutation,
  UnitChildrenQuery,
  ViewerQuery,
} from "./generated/graphql";

type Actor = NonNullable<HazardLedgerQuery["hazards"]["nodes"][number]["foundByNode"]>;

export function actorName(actor: Actor | null | undefined): string {
  if (!actor) return "—";
  switch (actor.__typename) {
    case "Person":
      return actor.name;
    case "ServiceClient":
      return `${actor.name}（接入系统）`;
    case "SystemActor":
      return "平台";
  }
}

// Every state has a colour: a new state in the schema breaks the build here.
export function stateColour(state: HazardState): string {
  switch (state) {
    case "REPORTED":
    case "CONFIRMED":
      return "orange";
    case "RECTIFYING":
    case "RECTIFIED":
      return "blue";
    case "REJECTED":
    case "CLOSED":
      return "grey";
    default: {
      const unknown: never = state;
      return unknown;
    }
  }
}

export type Labels = Map<string, Map<string, string>>;

export function labelMaps(data: EnumLabelSetsQuery): Labels {
  return new Map(data.enumLabelSets.map((set) => [set.name, new Map(set.values.map((v) => [v.value, v.label]))]));
}

export function label(labels: Labels, enumName: string, value: string): string {
  return labels.get(enumName)?.get(value) ?? value;
}

export function ledgerRows(data: HazardLedgerQuery, labels: Labels) {
  return data.hazards.nodes.map((h) => ({
    id: h.id,
    title: h.title,
    state: label(labels, "HazardState", h.state),
    colour: stateColour(h.state),
    unit: h.unit?.name ?? "",
    finder: actorName(h.foundByNode),
    late: h.overdue ? `逾期 ${-(h.daysLeft ?? 0)} 天` : "",
  }));
}

export function historyLines(data: HazardDetailQuery): string[] {
  const hazard = data.node?.__typename === "Hazard" ? data.node : null;
  return (hazard?.history ?? []).map((e) => `${e.createdAt} ${e.kind} ${actorName(e.actorNode)}`);
}

export function viewerTitle(data: ViewerQuery): string {
  const viewer = data.viewer;
  if (!viewer) return "未登录";
  const where = viewer.roles.map((r) => (r.everywhere ? r.roleLabel : `${r.roleLabel}@${r.unit?.name ?? "?"}`));
  return `${actorName(viewer.subjectNode)}（${viewer.authMethod}）：${where.join("，")}`;
}

export function childNames(data: UnitChildrenQuery): string[] {
  return data.unit?.children.nodes.map((u) => `${u.name}${u.enterprise?.riskClass ? ` [${u.enterprise.riskClass}]` : ""}`) ?? [];
}

export function recordTitles(data: DutyRecordsQuery): string[] {
  return data.dutyRecords.nodes.map((r) => `${r.performedOn} ${r.recordKind} ${actorName(r.recorderNode)}`);
}

export function missed(data: MyObligationsQuery): number {
  const missedStatus: ObligationStatus = "MISSED";
  return data.obligations.nodes.filter((o) => o.status === missedStatus).length;
}

export function inspection(unitIds: string[], on: string): RecordPerformanceMutationVariables {
  return { input: { kind: "INSPECTION", performedOn: on, title: "日常检查", unitIds } };
}

export function reportErrors(result: ReportHazardMutation): string[] {
  return result.reportHazard.userErrors.map((e) => `${e.field.join(".")}: ${e.message}`);
}

// Evidence: a hazard's photos by stage, for a gallery with thumbnails.
type Evidence = Extract<NonNullable<HazardEvidenceQuery["node"]>, { __typename?: "Hazard" }>["evidenceFiles"];

export function photosByStage(evidence: Evidence): Map<EvidenceStage | "NONE", string[]> {
  const byStage = new Map<EvidenceStage | "NONE", string[]>();
  for (const item of evidence) {
    const url = item.file.thumbnailUrl ?? item.file.downloadUrl;
    if (!url) continue;
    const key = item.stage ?? "NONE";
    byStage.set(key, [...(byStage.get(key) ?? []), url]);
  }
  return byStage;
}

// The upload's variables: the file itself travels as a part of the multipart request.
export function uploadVariables(file: File): UploadEvidenceFileMutationVariables {
  return { file };
}
