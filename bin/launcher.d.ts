/** The folders compiled to dist/ (tsconfig.build.json) whose files the running code reads. */
export declare const SOURCE_DIRS: string[];
/** 'compiled' when dist/ is built and newer than every source file (and PASSERELLE_RUNTIME is not 'tsx'), else 'tsx'. */
export declare function chooseRuntime(root: string, env?: Record<string, string | undefined>): 'compiled' | 'tsx';
