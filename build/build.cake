// swarm-pg-gitops: the whole pipeline at a glance. Each task calls the library in build/SwarmPgGitOps;
// nothing here does work of its own. Run through ./build.sh --target=<Task> --env=<name|a,b|all>.
#r "./SwarmPgGitOps/bin/pipeline/SwarmPgGitOps.dll"

using SwarmPgGitOps;
using SwarmPgGitOps.Pipeline;
using SwarmPgGitOps.Swarm;

var target = Argument("target", "Default");
var env = Argument("env", "lab");
var deployOptions = new DeployOptions(Prune: HasArgument("prune"), BreakLock: HasArgument("break-lock"), NewCluster: HasArgument("new-cluster"));
// --root=DIR runs the pipeline on another folder's environments/ and templates/ (a scratch copy, another checkout).
var layout = ProjectLayout.Discover(Argument("root", Context.Environment.WorkingDirectory.FullPath));
var console = PipelineConsole.Create();

Task("Default")
    .Description("List the tasks")
    .Does(() => TaskList.Print(console, Tasks.Select(t => (t.Name, t.Description))));

Task("Render")
    .Description("Render artifacts/<env>/ (stack.yml, pg_hba.conf, postgresql.conf, scripts, manifest.json)")
    .Does(() => Run(() => new RenderStep(layout, console).Run(env)));

Task("Validate")
    .Description("Check environment files, access policy and the rendered stack; touches no cluster")
    .Does(() => Run(() => new ValidateStep(layout, console).Run(env)));

Task("Plan")
    .Description("Show what Deploy would create, update or leave on the swarm, field by field; changes nothing")
    .Does(() => Run(() => new PlanStep(layout, console).RunAsync(env, deployOptions)));

Task("LabForLocal")
    .Description("Bring the lab up when the environments include the local lab (nothing for the others)")
    .WithCriteria(() => LabStep.IsNeededFor(layout, env))
    .Does(() => Run(() => new LabStep(layout, console).EnsureUp()));

Task("Deploy")
    .IsDependentOn("LabForLocal")
    .Description("Validate, apply artifacts/<env>/stack.yml to the swarm, then run the smoke checks; a list in order, stopping at the first failure (--prune, --break-lock, --new-cluster)")
    .Does(() => Run(() => new DeployStep(layout, console)
        .RunAsync(env, deployOptions, then: new SmokeStep(layout, console).RunAsync))); // Smoke on what Deploy loaded

Task("Switchover")
    .IsDependentOn("LabForLocal")
    .Description("Patroni layout: hand the leadership to --to=<member> (default: the preferred member, else the best synchronous standby), then run the smoke checks")
    .Does(() => Run(() => new SwitchoverStep(layout, console)
        .RunAsync(env, HasArgument("to") ? Argument<string>("to") : null, then: new SmokeStep(layout, console).RunAsync)));

Task("Backup")
    .IsDependentOn("LabForLocal")
    .Description("Patroni layout with backup: pgBackRest backs the leader up into the stack's repository (--type=full|diff|incr, default full)")
    .Does(() => Run(() => new BackupStep(layout, console).RunAsync(env, Argument("type", "full"))));

Task("Restore")
    .IsDependentOn("LabForLocal")
    .Description("Restore the newest backup of --env into a new stack: --into=<environment> (its file), --to=<timestamp>|latest; then deploy it and run the smoke checks")
    .Does(() => Run(() => new RestoreStep(layout, console).RunAsync(env, HasArgument("into") ? Argument<string>("into") : null, HasArgument("to") ? Argument<string>("to") : null,
        deploy: into => new DeployStep(layout, console).RunAsync(into, deployOptions, then: new SmokeStep(layout, console).RunAsync))));

Task("RestoreDrill")
    .IsDependentOn("LabForLocal")
    .Description("Restore the newest backup into a scratch task, replay it to a restore point made for the drill, verify it, print each phase's time, remove it")
    .Does(() => Run(() => new RestoreDrillStep(layout, console).RunAsync(env)));

Task("Smoke")
    .Description("Prove replication works: roles, streaming, slots, lag, settings, pg_hba, a canary read back on every replica")
    .Does(() => Run(() => new SmokeStep(layout, console).RunAsync(env)));

Task("Drift")
    .Description("Compare the live swarm and databases with what git renders; writes artifacts/<env>/drift.json; exit 2 when drifted")
    .Does(() => Run(() => new DriftStep(layout, console).RunAsync(env)));

Task("DriftPr")
    .Description("Drift, then open, update or close the environment's drift pull request (GITHUB_TOKEN, GITHUB_REPOSITORY, GITHUB_API_URL)")
    .Does(() => Run(() => new DriftPrStep(layout, console).RunAsync(env)));

Task("Test")
    .Description("Build and run every test: unit tests, then the lab tests on a real swarm (brings the lab up)")
    .Does(() => Run(() => new TestStep(layout, console).RunAsync()));

Task("Lab")
    .Description("Bring up the local 3-node swarm lab with a PostgreSQL image (idempotent)")
    .Does(() => Run(() => new LabStep(layout, console).Up()));

Task("LabStatus")
    .Description("Show what of the lab is up")
    .Does(() => Run(() => new LabStep(layout, console).Status()));

Task("LabDown")
    .Description("Remove everything the lab created (keeps the cached image root filesystem)")
    .Does(() => Run(() => new LabStep(layout, console).Down()));

// RunTarget wraps a failed task's exception, and Cake then ends with exit code 1 whatever the step said; rethrowing the
// step's own CakeException keeps its exit code (Drift: 2 = drifted) for CI.
try { RunTarget(target); }
catch (CakeReportException e) when (e.InnerException is CakeException { ExitCode: > 1 } failure) { throw failure; }

// A failed step has printed what went wrong and chosen its exit code; end the run with that code, no stack trace.
async Task Run(Func<Task> step)
{
    try { await step(); }
    catch (PipelineFailedException e) { throw new CakeException(e.ExitCode, e.Message); }
}

Task Run(Action step) => Run(() => { step(); return System.Threading.Tasks.Task.CompletedTask; });
