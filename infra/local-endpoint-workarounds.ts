import { Aspects, type IAspect, Names, Stack } from 'aws-cdk-lib';
import { CfnAlarm, CfnDashboard } from 'aws-cdk-lib/aws-cloudwatch';
import { CfnArchive } from 'aws-cdk-lib/aws-events';
import type { IConstruct } from 'constructs';

// EventBridge's limit on archive names (CreateArchive `ArchiveName`, 1–48 characters).
const ARCHIVE_NAME_MAX_LENGTH = 48;

/**
 * Changes to the template that let it deploy on the local AWS endpoint (moto 5.2) and make no
 * difference to what the stack does on AWS. Each one is a different spelling of the same
 * template, or a value AWS would have chosen within the same rules.
 */
export class LocalEndpointWorkarounds implements IAspect {
  visit(node: IConstruct): void {
    if (node instanceof CfnArchive) nameArchive(node);
    if (node instanceof CfnDashboard) spellOutAlarmArns(node);
  }
}

/** Applies `LocalEndpointWorkarounds` to everything in `scope`. */
export function addLocalEndpointWorkarounds(scope: IConstruct): void {
  Aspects.of(scope).add(new LocalEndpointWorkarounds());
}

/**
 * An archive without a name gets one of at most 48 characters. CloudFormation on AWS keeps the
 * archive names it generates within that limit; moto names it `<stack>-<logical id>-<random>`
 * (57 characters for the stack `Hookbridge`), its CreateArchive refuses that with a JSON error
 * the CloudFormation client cannot parse, and the whole deployment fails. The name is made the
 * way CDK names the bus: a readable part of the construct path and a hash of the whole path,
 * stack name included, so it is unique per stack (and stage) and stable from one deployment to
 * the next. Nothing reads the name: the functions and the IAM statements use the archive's
 * ARN. Like the bus, a named archive cannot be replaced in place by CloudFormation; it is only
 * replaced when the bus is, and moving the bus in the construct tree renames the archive too.
 */
function nameArchive(archive: CfnArchive): void {
  // The L2 Archive passes its physical name as a token even when none was given: resolve it.
  if (Stack.of(archive).resolve(archive.archiveName) !== undefined) return;
  archive.archiveName = Names.uniqueResourceName(archive, { maxLength: ARCHIVE_NAME_MAX_LENGTH });
}

/**
 * A dashboard's alarm widgets name each alarm by ARN, which CDK writes as `Fn::GetAtt [alarm,
 * Arn]`. moto has no CloudFormation model of alarms, so it skips them, and a `Fn::GetAtt` on a
 * skipped resource fails the whole deployment. The ARN is spelled out instead from the alarm's
 * `Ref` (its name) in the documented format `arn:<partition>:cloudwatch:<region>:<account>:
 * alarm:<name>`: on AWS the body resolves to the same text, and the dashboard still depends on
 * each alarm. moto resolves the `Ref` of a skipped resource to "None", and creates the dashboard.
 */
function spellOutAlarmArns(dashboard: CfnDashboard): void {
  const stack = Stack.of(dashboard);
  const alarms = new Set(
    stack.node
      .findAll()
      .filter((construct) => construct instanceof CfnAlarm)
      .map((alarm) => stack.resolve((alarm as CfnAlarm).logicalId) as string),
  );
  let changed = false;
  const rewrite = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(rewrite);
    if (value === null || typeof value !== 'object') return value;
    const getAtt = (value as Record<string, unknown>)['Fn::GetAtt'];
    if (Array.isArray(getAtt) && getAtt[1] === 'Arn' && alarms.has(getAtt[0] as string)) {
      changed = true;
      return alarmArn(getAtt[0] as string);
    }
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, rewrite(inner)]));
  };
  const body = rewrite(stack.resolve(dashboard.dashboardBody));
  if (changed) dashboard.addPropertyOverride('DashboardBody', body);
}

function alarmArn(alarmLogicalId: string): unknown {
  return {
    'Fn::Join': [
      '',
      [
        'arn:',
        { Ref: 'AWS::Partition' },
        ':cloudwatch:',
        { Ref: 'AWS::Region' },
        ':',
        { Ref: 'AWS::AccountId' },
        ':alarm:',
        { Ref: alarmLogicalId },
      ],
    ],
  };
}
