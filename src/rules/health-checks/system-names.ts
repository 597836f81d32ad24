/**
 * Kinds of values a health or diagnostic response may reveal, from worst to least: the whole
 * environment, a secret, the whole configuration, an internal host or account, a system detail,
 * dependency internals, process resource usage.
 */
export type ExposureKind =
  | 'environment'
  | 'secret'
  | 'configuration'
  | 'host'
  | 'system'
  | 'dependency'
  | 'resource';

/**
 * Calls and properties that reveal the machine, by their path after import resolution
 * (`from socket import gethostname` makes `gethostname()` read `socket.gethostname`). A path
 * also covers its properties: `process.versions` covers `process.versions.node`.
 *
 * Uptime (`process.uptime()`, `os.uptime()`, `psutil.boot_time()`) is left out on purpose,
 * because it is a common liveness field and gives an attacker next to nothing.
 */
export const SYSTEM_PATHS: Record<string, ExposureKind> = {
  'socket.gethostname': 'host',
  'socket.getfqdn': 'host',
  'socket.gethostbyname': 'host',
  'socket.gethostbyname_ex': 'host',
  'platform.node': 'host',
  'os.hostname': 'host',
  'os.networkInterfaces': 'host',
  'psutil.net_if_addrs': 'host',
  'os.uname': 'system',
  'os.getcwd': 'system',
  'os.release': 'system',
  'os.version': 'system',
  'os.type': 'system',
  'os.machine': 'system',
  'os.userInfo': 'system',
  'os.homedir': 'system',
  'os.tmpdir': 'system',
  'getpass.getuser': 'system',
  'sys.version': 'system',
  'sys.version_info': 'system',
  'sys.executable': 'system',
  'sys.path': 'system',
  'sys.argv': 'system',
  'sys.prefix': 'system',
  'sys.modules': 'system',
  'platform': 'system',
  'django.get_version': 'system',
  'django.VERSION': 'system',
  'process.version': 'system',
  'process.versions': 'system',
  'process.execPath': 'system',
  'process.argv': 'system',
  'process.execArgv': 'system',
  'process.config': 'system',
  'process.release': 'system',
  'process.cwd': 'system',
  'psutil.disk_partitions': 'system',
  'psutil.users': 'system',
  __dirname: 'system',
  __filename: 'system',
  'sys.platform': 'resource',
  'process.platform': 'resource',
  'process.arch': 'resource',
  'os.platform': 'resource',
  'os.arch': 'resource',
  'os.cpus': 'resource',
  'os.cpu_count': 'resource',
  'os.totalmem': 'resource',
  'os.freemem': 'resource',
  'os.loadavg': 'resource',
  'os.getloadavg': 'resource',
  'os.getpid': 'resource',
  'os.getppid': 'resource',
  'process.pid': 'resource',
  'process.ppid': 'resource',
  'process.memoryUsage': 'resource',
  'process.cpuUsage': 'resource',
  'process.resourceUsage': 'resource',
  'psutil.virtual_memory': 'resource',
  'psutil.swap_memory': 'resource',
  'psutil.cpu_percent': 'resource',
  'psutil.cpu_count': 'resource',
  'psutil.cpu_times': 'resource',
  'psutil.disk_usage': 'resource',
  'psutil.Process': 'resource',
  'resource.getrusage': 'resource',
};

/** Paths of the process environment: `os.environ`, `process.env`, `import.meta.env`. */
export const ENVIRONMENT_PATHS = ['os.environ', 'process.env', 'import.meta.env'];

/** Calls that read one environment variable; the first argument names it. */
export const ENVIRONMENT_LOOKUPS = ['os.getenv', 'os.environ.get', 'os.environ.setdefault'];

/**
 * Names that hold the configuration when imported or bound at module level:
 * `from django.conf import settings`, `from app.core.config import settings`,
 * `import config from './config'`, `const config = require('config')`.
 */
export const CONFIGURATION_NAMES = new Set([
  'settings',
  'config',
  'conf',
  'configuration',
  'cfg',
  'appConfig',
  'app_config',
  'SETTINGS',
  'CONFIG',
]);

/** Properties that hold the configuration on an app or service object: `app.config`, `this.configService`. */
export const CONFIGURATION_PROPERTIES = new Set([
  'config',
  'configuration',
  'settings',
  'configService',
  'config_service',
  'appConfig',
  'app_config',
]);

/** Calls that return the configuration object: FastAPI's `get_settings()`, `getConfig()`. */
export const CONFIGURATION_GETTERS = new Set([
  'get_settings',
  'get_config',
  'load_config',
  'getConfig',
  'getSettings',
  'loadConfig',
]);

/** Methods that return a whole configuration object: `settings.model_dump()`, `config.util.toObject()`. */
export const WHOLE_CONFIGURATION_METHODS = new Set([
  'model_dump',
  'dict',
  'to_dict',
  'toJSON',
  'toObject',
  'get_all',
  'getAll',
  'all',
  'items',
  'values',
  'copy',
]);

/** Methods that read one configuration key: `config.get('db.password')`, `configService.get('JWT_SECRET')`. */
export const CONFIGURATION_LOOKUPS = new Set(['get', 'getOrThrow', 'get_setting', 'getValue']);

/**
 * Words of dependencies whose URL, host or user is infrastructure detail:
 * `POSTGRES_SERVER`, `REDIS_URL`, `config.mongoose.url`.
 */
export const INFRASTRUCTURE_WORDS = new Set([
  'database',
  'databases',
  'db',
  'postgres',
  'postgresql',
  'pg',
  'mysql',
  'mariadb',
  'sql',
  'sqlalchemy',
  'mongo',
  'mongodb',
  'mongoose',
  'redis',
  'memcached',
  'cache',
  'amqp',
  'rabbitmq',
  'rabbit',
  'broker',
  'celery',
  'kafka',
  'queue',
  'elasticsearch',
  'elastic',
  'opensearch',
  'smtp',
  'ldap',
  'sentry',
  'minio',
  's3',
]);

/** Methods of database and cache clients that dump server internals: Redis `INFO`, MongoDB `serverStatus`. */
export const DEPENDENCY_INFO_METHODS = new Set([
  'info',
  'server_info',
  'serverInfo',
  'serverStatus',
  'server_status',
  'buildInfo',
  'build_info',
  'get_connection_kwargs',
]);

/** Properties that hold a connection's settings with its password: Django `connection.settings_dict`. */
export const CONNECTION_SECRET_PROPERTIES = new Set([
  'settings_dict',
  'connection_string',
  'connectionString',
  'connection_kwargs',
  'dsn',
]);
