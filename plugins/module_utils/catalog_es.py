# -*- coding: utf-8 -*-
# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Spanish (the course's language, neutral Latin American, "ustedes").

Same keys and placeholders as catalog_en.py; see there.
"""

from __future__ import annotations

MESSAGES = {
    # Palabras y rótulos.
    'status.pass': 'PASA',
    'status.fail': 'FALLA',
    'label.done': 'Qué se hizo:',
    'label.look': 'Qué mirar:',
    'label.why': 'Por qué:',
    'label.result': 'Resultado:',
    'label.errata': 'Fe de erratas del capítulo:',
    'label.notes': 'Notas sobre el capítulo:',
    'word.and': '{first} y {second}',
    'word.no_ip': 'sin IP',
    'word.no_network': 'ninguna red',
    'word.unknown': '?',
    'word.unknown_value': 'desconocido',
    'word.netns_unknown': '(solo root puede leer su número)',
    'word.no_process': 'ningún proceso',
    'word.scenario': 'Escenario {names}',
    'word.scenarios': 'Escenarios {names}',

    # Evidencia común a todos los escenarios.
    'ev.engine_down': 'el motor de Docker no responde ({error}): inícienlo (sudo systemctl start docker) y vuelvan a ejecutar',
    'ev.missing': '{name} no existe',
    'ev.not_running': '{name} existe pero no está en marcha (estado {state})',
    'ev.no_process': '{name} está en marcha pero ya no tiene ningún proceso',
    'ev.read_error': 'no se pudo leer {name} ({error})',

    # Escenario 1: usuarios.
    'ev.users_runs_as': '{name} pid {pid} ({args}) corre con el UID {uids} del host{user}',
    'ev.users_user_name': ' ({user})',
    'ev.users_user_none': ' (ningún usuario con ese UID en /etc/passwd)',
    'ev.users_remapped': ('{name} pid {pid}: el UID {cuid} del contenedor es el UID {huid} del host (uid_map {outside}, '
                          'subordinado de {owner})'),
    'users.title': 'ESCENARIO 1 - USUARIOS Y UIDs',
    'users.done': ('dos contenedores que solo duermen: {root} como root y {uid_container} con --user {uid}, que '
                   'antes escribe un archivo a través de un bind mount de {share_dir}:\n'
                   '  docker run -d --name {root} --user 0 --entrypoint sleep {shell_image} infinity\n'
                   '  docker run -d --name {uid_container} --user {uid} -v {share_dir}:/shared --entrypoint sh '
                   "{shell_image} -c 'touch /shared/written-by-uid-{uid} && exec sleep infinity'"),
    'users.look': ('la columna de usuario de esos procesos "sleep" en la tabla de procesos del HOST, el dueño del '
                   'archivo en el host, y el PID 1 del contenedor como un proceso más del host.'),
    'users.commands': ['ps -o user,uid,pid,args -C sleep',
                       'docker top {uid_container}',
                       'ls -ln {share_dir}   # dueño {uid}: un número, sin nombre en el host',
                       "PID=$(docker inspect -f '{go_pid}' {uid_container})",
                       'grep NSpid /proc/$PID/status   # el PID del host y luego 1 dentro del contenedor',
                       'sudo readlink /proc/$PID/ns/pid /proc/1/ns/pid   # dos namespaces de PID distintos'],
    'users.why': ('un contenedor no es una máquina aparte: sus procesos son procesos del mismo kernel, y el kernel '
                  'solo conoce números. --user {uid} es el UID {uid} del host (aunque ningún usuario tenga ese UID en '
                  '/etc/passwd). El UID 0 de un contenedor es el UID 0 del host, pero con menos privilegios: Docker le '
                  'quita la mayoría de las capabilities y le agrega un filtro seccomp y un perfil de AppArmor o SELinux. '
                  'Los archivos también llevan números: lo que {uid_container} escribió a través del bind mount es del '
                  'UID {uid} en el host, así que los UIDs importan para los archivos compartidos con el host. Igual los '
                  'procesos están aislados: cada contenedor tiene su propio namespace de PID, donde su primer proceso '
                  'es el PID 1.'),
    'users.errata': [],
    'users.notes': ['`docker run -d --user 1234 ubuntu sleep 500` termina a los 500 s, y entonces ps ya no muestra '
                    'nada: el laboratorio duerme para siempre (sleep infinity).',
                    'ubuntu no está en esta VM salvo que venga de un registro: la imagen propia del laboratorio es '
                    '{shell_image}.'],
    'users.userns': ('variante userns-remap: Docker se reinició con userns-remap y guarda las imágenes en otra raíz '
                     '(/var/lib/docker/<uid>.<gid>). En {remapped} root es un UID subordinado sin privilegios:'),
    'users.userns_warning': ('AVISO: la variante userns-remap cambia /etc/docker/daemon.json y REINICIA Docker: los '
                             'contenedores en marcha se detienen. Con userns-remap las imágenes viven en otra raíz '
                             '(/var/lib/docker/<uid>.<gid>), así que las del laboratorio se vuelven a cargar allí. Para que '
                             'lab.yml siga siendo idempotente, pongan también userns-remap: {user} en '
                             'docker_host_daemon_options.'),
    'users.userns_commands': ["cat /proc/$(docker inspect -f '{go_pid}' {remapped})/uid_map",
                              'grep dockremap /etc/subuid'],

    'ev.file_not_read': 'no se miró el archivo escrito a través del bind mount (share_dir está vacío)',
    'ev.file_missing': '{path} no está en el host ({error}): el contenedor con --user no lo escribió',
    'ev.file_owner': '{path} en el host es del UID {uid}{user}',
    'ev.file_not_regular': ('{path} en el host no es un archivo regular (es un enlace simbólico u otro tipo), así '
                            'que ningún proceso lo escribió ahí'),
    'ev.no_pid_one': ('{name}: ninguno de sus procesos es el PID 1 de un namespace de PID propio (PIDs del host '
                      '{pids})'),
    'ev.pid_namespace': '{name}: el PID 1 de adentro es el PID {pid} del host; su namespace de PID {inode}, el del host {host}',

    # Escenario 2: nginx.
    'ev.nginx_socket': '{address}:{port} en LISTEN ({process} pid {pid})',
    'ev.nginx_socket_unowned': '{address}:{port} en LISTEN (qué proceso es su dueño solo lo ve root)',
    'ev.nginx_listens': '{name} netns {inode}: {sockets}',
    'ev.nginx_nothing': '{name} netns {inode}: nada escucha en :{port}',
    'ev.host_clear': 'netns del host {inode}: nada escucha en :{port}',
    'ev.host_taken': 'netns del host {inode}: {sockets} (algo del propio host escucha en :{port})',
    'ev.host_clear_not_running': 'netns del host {inode}: nada escucha en :{port}, pero {name} no está en marcha',
    'ev.http_status': 'GET {url} desde la VM: HTTP {status}',
    'ev.http_error': 'GET {url} desde la VM: sin respuesta ({error})',
    'ev.no_ip': '{name} no tiene dirección IP (no está en marcha o no está en ninguna red)',
    'ev.net_namespace': '{name} namespace de red {inode}, el del host {host}',
    'nginx.title': 'ESCENARIO 2 - NGINX Y SU NAMESPACE DE RED',
    'nginx.done': ('nginx en primer plano en {name}, sin publicar ningún puerto (-p):\n'
                   "  docker run -d --name {name} --entrypoint nginx {nginx_image} -g 'daemon off;'"),
    'nginx.look': 'el puerto {port} en LISTEN dentro del namespace de red del contenedor, y su ausencia en el host.',
    'nginx.commands': ["PID=$(docker inspect -f '{go_pid}' {name})",
                       'sudo nsenter -t "$PID" -n ss -tln   # dentro: 0.0.0.0:{port} y [::]:{port}',
                       'ss -tln                            # en el host: ningún :{port}',
                       'sudo readlink /proc/$PID/ns/net /proc/1/ns/net   # dos namespaces de red distintos',
                       "IP=$(docker inspect -f '{go_ip}' {name})",
                       'curl -I "http://$IP/"'],
    'nginx.why': ('cada contenedor tiene su propio namespace de red, con sus interfaces y su tabla de sockets. nginx '
                  'escucha en el :{port} de ESE namespace (ss muestra 0.0.0.0:{port} para IPv4 y [::]:{port} para '
                  'IPv6; *:{port} sería un único socket de doble pila); el host no lo ve en el suyo, pero llega a él '
                  'por la IP del contenedor en el bridge docker0. Publicar con -p agregaría una regla NAT Y, con el '
                  'proxy de espacio de usuario que viene activado, un proceso docker-proxy escuchando en el puerto '
                  'del host: entonces el ss del host sí lo mostraría.'),
    'nginx.errata': ['`ln -sf /proc/PID/ns/net /var/run/netns/x` falla en una VM recién creada: primero ejecuten '
                     '`sudo mkdir -p /var/run/netns` (o usen nsenter, como arriba).',
                     '`ip netns list` no muestra los namespaces de Docker: Docker los guarda en /var/run/docker/netns.'],
    'nginx.notes': ["`docker inspect -f '{go_ip_old}'` es obsoleto y queda vacío fuera del "
                    "bridge por defecto: usen el range sobre .NetworkSettings.Networks de arriba."],

    # Escenario 3: red.
    'ev.curl': '{client} ({ip} en {network}) GET {url}: {what}',
    'ev.curl_http': 'HTTP {code} en {time} s',
    'ev.curl_timeout': ('se agotó el tiempo de espera de {timeout} s (código de salida 28 de curl), no fue rechazada '
                        '(código de salida 7)'),
    'ev.curl_refused': ('no se pudo conectar (código de salida 7 de curl: {stderr}), no se agotó el tiempo: '
                        '"connection refused" quiere decir que algo respondió por la IP del servidor, y "Network is '
                        'unreachable", que el cliente no tiene ruta hacia ella'),
    'ev.curl_not_isolated': 'HTTP {code}: las redes no están aisladas',
    'ev.curl_other': 'código de salida {rc} de curl: {stderr}',
    'ev.curl_no_server_ip': 'no se ejecutó: {server} no tiene IP en el bridge por defecto',
    'ev.side': '{client} {ip} en {networks} (subred {subnet}, bridge del host {bridge})',
    'ev.fw_drop': ('la cadena {chain} de la tabla {table} ({backend}) los descartó, regla `{rule}`: su contador de '
                   'paquetes pasó de {before} a {after} durante la prueba. Para verlo: sudo {command}'),
    'ev.fw_no_counter': ('ningún contador del firewall se movió durante la prueba: puede haber otro firewall delante '
                         'del de Docker (la regla candidata de Docker: `{rule}`)'),
    'ev.fw_none': 'ninguna regla en el camino descarta estos paquetes ({errors})',
    'ev.fw_not_read': 'no se leyó el firewall',
    'ev.fw_no_timeout': 'a {client} no se le agotó el tiempo, así que ninguna regla descartó sus paquetes',
    'ev.veth': 'la eth0 de {client} forma par con {veth} en {master}',
    'ev.veth_missing': '{client} no tiene una eth0 en par con una interfaz del host',
    'network.title': 'ESCENARIO 3 - REDES AISLADAS',
    'network.done': ('una red definida por el usuario y dos contenedores con curl, uno en cada red; los dos le piden '
                     '{url} a {server} (bridge por defecto):\n'
                     '  docker network create {network}\n'
                     '  docker run -d --name {bridge_client} --entrypoint sleep {curl_image} infinity\n'
                     '  docker run -d --name {lonely_client} --network {network} --entrypoint sleep {curl_image} infinity'),
    'network.look': 'uno recibe 200; el otro espera hasta agotar los {timeout} s (no "connection refused").',
    'network.commands': ['docker exec {bridge_client} curl -sI -m {timeout} {url}',
                         'docker exec {lonely_client} curl -sI -m {timeout} {url}; echo "código de salida $?"   # 28: tiempo agotado',
                         "docker network inspect -f '{go_subnet}' bridge {network}",
                         'docker exec {bridge_client} ip -brief address   # el `ip a` del capítulo, dentro de cada cliente',
                         'docker exec {lonely_client} ip -brief address',
                         'ip -brief address   # en el host: docker0 y br-... son dos bridges distintos',
                         'ip -brief link show master docker0   # los extremos en el host de los pares veth del bridge'],
    'network.why': ('cada red bridge de Docker es un bridge distinto del host con su propia subred, y cada contenedor tiene '
                    'su propia eth0: un extremo de un par veth cuyo otro extremo está conectado a ese bridge. En el '
                    'bridge por defecto los contenedores se alcanzan entre sí porque la comunicación entre '
                    'contenedores (ICC) está activada. Entre bridges, las reglas de firewall de Docker DESCARTAN los '
                    'paquetes en silencio: por eso se agota el tiempo y no hay un rechazo. Qué regla es depende del '
                    'motor.'),
    'network.seen_inside': 'Lo que cada cliente ve de su propia red (ip -brief address):',
    'network.client_uid': ('El proceso sleep de {client} corre con el UID {uid} del host{user}: el usuario de la imagen, '
                           '"{image_user}". El kernel solo conoce el número.'),
    'network.errata': ['`lonely_curl` nunca se crea en el capítulo: primero ejecuten `docker network create lonely_curl`.',
                       '`docker run - wbitt/network-multitool` tiene un error tipográfico: `docker run --rm '
                       'wbitt/network-multitool ip a` muestra las interfaces en el bridge por defecto, y `docker run '
                       '--rm --network lonely_curl wbitt/network-multitool ip a`, las de lonely_curl (aquí las imágenes '
                       'del laboratorio ya traen ip).'],
    'network.notes': [],

    # Scenario files.
    'ev.files_runs_as': '{name} corre como UID {uids} del host, no como {uid}',
    'ev.files_dir_missing': 'no se pudo leer {path} en el host ({error})',
    'ev.files_dir_not_dir': '{path} en el host no es un directorio (es un enlace u otra cosa), así que no se lee',
    'ev.files_dir_owner': '{path} pertenece al UID {owner} en el host (modo {mode}), no al UID {uid}',
    'ev.files_no_file': '{path} no está en el host: nadie lo escribió',
    'ev.files_file_owner': '{path} en el host pertenece al UID {owner} (se esperaba el UID {uid})',
    'ev.files_not_asked': 'no se pudo preguntar al host si {name} puede escribir ahí ({error})',
    'ev.files_by_kernel': 'el kernel del host (faccessat desde un proceso con sus credenciales)',
    'ev.files_by_mode': ('el dueño y los bits de modo del directorio (sin root no se le puede preguntar al kernel como '
                         'otro UID)'),
    'ev.files_allowed': ('el proceso de {name} (UID {uid}, GID {gid} del host) SÍ puede escribir en {path} (dueño '
                         '{owner}, modo {mode}), según {method}: el directorio está abierto para él'),
    'ev.files_refused': ('el proceso de {name} (UID {uid}, GID {gid} del host) no puede escribir en {path} (dueño '
                         '{owner}, modo {mode}): {errno}, según {method}'),
    'ev.files_not_refused': '{path} existe, con dueño UID {owner}: la escritura no fue rechazada',
    'ev.files_root_file': '{path} pertenece al UID {owner} del host: root en {name} (pid {pid}) {mapping}',
    'ev.files_root_is_root': 'es el root del host (sin userns-remap)',
    'ev.files_root_remapped': 'es el UID {uid} del host (userns-remap: un UID subordinado, no root)',
    'files.title': 'ESCENARIO 4 - UIDs Y PERMISOS DE ARCHIVOS',
    'files.done': ('un directorio del UID {uid} (modo 0755), montado (bind mount) en dos contenedores que intentan '
                   'escribir en él, y otro abierto a todos (modo 0777) donde escribe root en un tercer contenedor:\n'
                   '  sudo install -d -o {uid} -g {uid} -m 0755 {owned_dir}\n'
                   '  sudo install -d -m 0777 {open_dir}\n'
                   '  docker run -d --name {owner} --user {uid} --userns host -v {owned_dir}:/data --entrypoint sh '
                   "{shell_image} -c 'touch /data/written-by-{uid}; exec sleep infinity'\n"
                   '  docker run -d --name {other} --user {other_uid} --userns host -v {owned_dir}:/data --entrypoint '
                   "sh {shell_image} -c 'touch /data/written-by-{other_uid}; exec sleep infinity'\n"
                   '  docker run -d --name {root} --user 0 -v {open_dir}:/data --entrypoint sh '
                   "{shell_image} -c 'rm -f /data/written-by-root; touch /data/written-by-root; exec sleep infinity'"),
    'files.look': ('los dueños del directorio y de los archivos tal como los ve el HOST, y el rechazo del host para el '
                   'proceso de {other} (no lo que imprimió el contenedor).'),
    'files.commands': ["stat -c '%u %g %a %n' {owned_dir} {open_dir}   # dueños y modos, como números",
                       'ls -ln {owned_dir} {open_dir}   # `written-by-{uid}` y `written-by-root`; no hay `written-by-{other_uid}`',
                       "grep -E '^(Uid|Gid|Groups)' /proc/$(docker inspect -f '{go_pid}' {other})/status",
                       'sudo setpriv --reuid {other_uid} --regid 0 --groups 0 touch {owned_dir}/try   # rechazado',
                       'docker logs {other}   # lo que dice el propio contenedor: Permission denied'],
    'files.why': ('un bind mount muestra dentro del contenedor el mismo directorio del host: el mismo inodo, con un '
                  'número como dueño. El kernel decide quién escribe comparando el UID y el GID del proceso en el host '
                  'con ese número y con los bits de modo, esté donde esté el proceso: el UID {uid} es dueño del '
                  'directorio y escribe; el UID {other_uid} no es el dueño ni está en su grupo, el modo 0755 no le da '
                  'escritura y el kernel lo rechaza (EACCES, "Permission denied"). No intervienen nombres: ninguno de '
                  'los dos UID tiene que existir en /etc/passwd. Root en un contenedor es el root del host (con menos '
                  'capacidades) y sus archivos pertenecen al UID 0; con userns-remap, el root del contenedor es un UID '
                  'subordinado del host, y sus archivos pertenecen a ese UID.'),
    'files.notes': ['docker run --user {other_uid} sin ese usuario en la imagen corre con GID 0 (el grupo de root): un '
                    'directorio con escritura para el grupo 0 le permitiría escribir. El directorio del lab es del '
                    'grupo {uid}.',
                    'Los dos contenedores con UID corren con --userns host, para que en un motor con userns-remap sus '
                    'UID sigan siendo los del host; el de root no, para mostrar ahí el UID subordinado.'],
    'files.errata': [],
    'ch.ev.files_no_file_of': ('ningún archivo regular de {path} pertenece al UID {uid}: escriban uno desde un '
                               'contenedor que corra con --user {uid}'),
    'ch.ev.files_no_other': ('ningún contenedor en marcha con {path} montado corre con un UID distinto de 0 y de {uid}: '
                             'inicien uno con --user de otro UID (sleep lo mantiene en marcha)'),
    'ch.ev.files_no_root_file': ('ningún archivo regular de {path} pertenece al UID 0: escriban uno desde un contenedor '
                                 'que corra como root'),
    'ch.files_owner_writes.title': 'Un archivo escrito como UID {uid} en un directorio del UID {uid}',
    'ch.files_owner_writes.todo': ('Hagan que {files_dir}/owned pertenezca al UID {uid} (modo 0755), móntenlo en un '
                                   'contenedor que corra con --user {uid} y escriban ahí un archivo.'),
    'ch.files_owner_writes.hint1': ('El kernel solo compara números: un directorio del UID {uid} admite escritura de un '
                                    'proceso del UID {uid}, corra donde corra ese proceso.'),
    'ch.files_owner_writes.hint2': ('Root en un contenedor es root en el host: un `docker run --rm` con {files_dir} '
                                    'montado puede crear owned/ y hacerle `chown` a {uid}. Luego `docker run` con --user '
                                    '{uid} y -v {files_dir}/owned:/data, y un `touch` bajo /data.'),
    'ch.files_owner_writes.commands': [
        "docker run --rm -v {files_dir}:/d {shell_image} sh -c 'mkdir -p /d/owned && chown {uid}:{uid} /d/owned "
        "&& chmod 0755 /d/owned'",
        "docker run -d --name {files_owner} --user {uid} -v {files_dir}/owned:/data {shell_image} sh -c 'touch "
        "/data/written-by-{uid}; exec sleep infinity'",
        'ls -ln {files_dir}/owned'],
    'ch.files_other_refused.title': 'Un contenedor de otro UID al que se le niega escribir en ese directorio',
    'ch.files_other_refused.todo': ('Inicien un contenedor con --user {other_uid} y {files_dir}/owned montado, déjenlo '
                                    'en marcha y que intente escribir ahí.'),
    'ch.files_other_refused.hint1': ('El UID {other_uid} no es el dueño ni está en el grupo: el modo 0755 le da lectura '
                                     'y búsqueda, no escritura. El lab le pregunta al kernel del host por ese proceso, '
                                     'no al contenedor.'),
    'ch.files_other_refused.hint2': ('El comando anterior con --user {other_uid}; el contenedor tiene que seguir en '
                                     'marcha (sleep) para que el lab lo encuentre.'),
    'ch.files_other_refused.commands': [
        "docker run -d --name {files_other} --user {other_uid} -v {files_dir}/owned:/data {shell_image} sh -c 'touch "
        "/data/written-by-{other_uid}; exec sleep infinity'",
        'docker logs {files_other}   # touch: Permission denied',
        'ls -ln {files_dir}/owned   # no hay `written-by-{other_uid}`'],
    'ch.files_root_writes.title': 'Un archivo escrito por root en un contenedor, con root como dueño en el host',
    'ch.files_root_writes.todo': ('Monten {files_dir}/open en un contenedor que corra como root y escriban ahí un '
                                  'archivo; miren su dueño en el host.'),
    'ch.files_root_writes.hint1': ('Sin --user el contenedor corre con el usuario de la imagen, aquí root: el host ve '
                                   'al UID 0 como dueño de lo que escribe.'),
    'ch.files_root_writes.hint2': '`docker run --rm` con -v {files_dir}/open:/data y `touch`; luego `ls -ln` en el host.',
    'ch.files_root_writes.commands': [
        'docker run --rm -v {files_dir}/open:/data {shell_image} touch /data/written-by-root',
        'ls -ln {files_dir}/open   # dueño 0'],
    'report.group.files': 'UIDs y permisos de archivos',
    'report.short.files_owner_writes': 'el dueño escribe',
    'report.short.files_other_refused': 'otro UID rechazado',
    'report.short.files_root_writes': 'archivo de root',

    # Scenario overlay.
    'ev.overlay_driver': ('este motor guarda los contenedores con el driver de almacenamiento {driver} ({kind}), no '
                          'con overlay2: el laboratorio solo lee los directorios de overlay2, así que aquí no se '
                          'evalúa (`docker info -f \'{{{{.Driver}}}}\'` lo dice; la explicación cuenta qué cambia)'),
    'ev.overlay_outside': ('{name}: un directorio que nombran el motor o /proc no es una ruta simple dentro de la raíz '
                           'de datos del motor {root}: no se lee'),
    'ev.overlay_layers': ('el montaje raíz de {name} (/proc/PID/mountinfo) es el overlay del motor: {layers} lowerdirs '
                          '(las capas de la imagen y la capa -init del contenedor), upperdir {upper}, unido en {merged}'),
    'ev.overlay_mount_differs': ('el montaje raíz de {name} es {fstype} con upperdir {upper}, pero el motor dice '
                                 'upperdir {engine}'),
    'ev.overlay_kind_file': 'archivo regular',
    'ev.overlay_kind_dir': 'directorio',
    'ev.overlay_kind_link': 'enlace simbólico',
    'ev.overlay_kind_chardev': 'dispositivo de caracteres',
    'ev.overlay_kind_other': 'archivo especial',
    'ev.overlay_kind_missing': 'nada',
    'ev.overlay_written': '{path} es un archivo regular en el upperdir y contiene "{mark}"',
    'ev.overlay_missing': '{path} no existe',
    'ev.overlay_not_file': '{path} no es un archivo regular ({kind}): no se lee (un enlace nunca se sigue)',
    'ev.overlay_unchanged': '{path} no contiene "{mark}": el contenedor no lo cambió',
    'ev.overlay_copied_up': ('{path} se copió arriba (copy-up) y contiene "{mark}"; la capa de la imagen conserva el '
                             'original, sin eso ({lower})'),
    'ev.overlay_whiteout': ('{path} es un whiteout (dispositivo de caracteres 0/0) que oculta {lower}, que sigue en la '
                            'capa de la imagen'),
    'ev.overlay_not_whiteout': '{path} no es un whiteout, un dispositivo de caracteres 0/0 ({kind})',
    'ev.overlay_shared': ('{name} y {twin} comparten las capas inferiores de la imagen ({layers}: los mismos '
                          'directorios en ambos montajes raíz), cada uno con su propio upperdir'),
    'ev.overlay_not_shared': '{name} y {twin} no comparten las capas inferiores de su imagen',
    'overlay.title': 'ESCENARIO 5 - EL SISTEMA DE ARCHIVOS OVERLAY',
    'overlay.done': ('dos contenedores de una misma imagen: {name} escribe un archivo, cambia un archivo de la imagen y '
                     'borra otro, y luego duerme; {twin} solo duerme:\n'
                     "  docker run -d --name {name} --entrypoint sh {shell_image} -c '...'\n"
                     '  docker run -d --name {twin} --entrypoint sleep {shell_image} infinity'),
    'overlay.look': ('la raíz del contenedor es un montaje overlay: las capas de la imagen como lowerdirs y encima el '
                     'upperdir del contenedor. /{written} está en el upperdir, /{changed} se copió ahí (la capa de la '
                     'imagen no cambia), /{deleted} es un whiteout; {twin} usa los mismos lowerdirs.'),
    'overlay.commands': ["docker inspect -f '{go_upper}' {name}",
                         "docker inspect -f '{go_lower}' {name}   # la capa -init y luego las de la imagen",
                         "PID=$(docker inspect -f '{go_pid}' {name})",
                         "grep ' / / ' /proc/$PID/mountinfo   # overlay: lowerdir=...,upperdir=...,workdir=...",
                         "UPPER=$(docker inspect -f '{go_upper}' {name})",
                         'sudo ls -la $UPPER $UPPER/etc',
                         'sudo cat $UPPER/{written} $UPPER/{changed}',
                         'sudo stat -c \'%F %t/%T\' $UPPER/{deleted}   # archivo especial de caracteres 0/0: un whiteout',
                         "docker inspect -f '{go_lower}' {twin}   # las mismas capas de la imagen",
                         'docker diff {name}   # A, C, D: lo que el motor lee del upperdir'],
    'overlay.why': ('una imagen es una pila de capas de solo lectura; el motor no las copia para cada contenedor. Monta '
                    'un overlay: las capas como lowerdirs, un directorio vacío propio del contenedor como upperdir y la '
                    'vista unida como / del contenedor. Lo que se escribe va al upperdir; cambiar un archivo de la '
                    'imagen primero lo copia arriba (la capa conserva el original); borrarlo deja un whiteout, un '
                    'dispositivo de caracteres 0/0 que lo oculta. Por eso los contenedores de una imagen comparten sus '
                    'capas en disco, y todo lo que un contenedor cambió está en un directorio del host, que root del '
                    'host puede leer.'),
    'overlay.other_driver': ('este motor usa {driver}, no overlay2. Con el almacén de imágenes de containerd (por '
                             'defecto en Docker 29; antes, "containerd-snapshotter" en daemon.json) las capas son '
                             'snapshots de containerd (.../io.containerd.snapshotter.v1.overlayfs/snapshots/N/fs) y el '
                             'GraphDriver del contenedor no nombra ningún directorio, pero /proc/PID/mountinfo sigue '
                             'mostrando un overlay y docker diff sus cambios; con vfs cada contenedor es una copia '
                             'completa, con btrfs o zfs un snapshot: no hay lowerdir, upperdir ni whiteout que ver.'),
    'overlay.errata': [],
    'overlay.notes': ['Los lowerdirs de mountinfo son enlaces cortos (/var/lib/docker/overlay2/l/...) que overlay2 crea '
                      'para acortar las opciones del montaje: `sudo readlink` de uno muestra la capa.'],
    'ch.err.overlay_no_namespace': 'el laboratorio no leyó su propio espacio de montajes: ejecuten lab check y luego lab solve otra vez',
    'ch.ev.overlay_no_container': 'no hay ningún contenedor en ejecución: inicien uno que siga activo (docker ps no muestra ninguno)',
    'ch.ev.overlay_no_layers': ('el montaje raíz de {name} no es el upperdir de overlay2 del motor (docker inspect y '
                                '/proc/PID/mountinfo no coinciden)'),
    'ch.ev.overlay_changes_missing': ('{name} (upperdir {upper}) todavía no tiene {missing}: docker diff solo lista lo '
                                      'que está en el upperdir (un volumen o un bind mount no lo está)'),
    'ch.ev.overlay_kind_a': 'archivo nuevo (A)',
    'ch.ev.overlay_kind_c': 'archivo de la imagen cambiado (C)',
    'ch.ev.overlay_kind_d': 'archivo de la imagen borrado (D)',
    'ch.ev.overlay_changes': ('el upperdir {upper} de {name} tiene {added} (agregado), {changed} (copiado arriba) y '
                              '{deleted} (un whiteout), y su montaje raíz en /proc/PID/mountinfo nombra ese upperdir'),
    'ch.ev.overlay_own_mount': 'hay un overlay suyo montado en {point}: lowerdir {lower}, upperdir {upper}',
    'ch.ev.overlay_read_only': ('{point} es un overlay sin upperdir ni workdir: de solo lectura, lo que escriban no '
                                'puede ir a ningún lado; denle los tres directorios'),
    'ch.ev.overlay_no_mount': 'no hay ningún overlay montado en el host fuera de los de Docker (grep overlay /proc/self/mountinfo)',
    'ch.overlay_changes.title': 'Los cambios de un contenedor en su upperdir: un archivo nuevo, un copy-up, un whiteout',
    'ch.overlay_changes.todo': ('En un contenedor en ejecución, escriban un archivo nuevo, cambien un archivo de la '
                                'imagen (/etc/issue) y borren otro (/etc/issue.net); luego encuentren los tres en su '
                                'upperdir.'),
    'ch.overlay_changes.hint1': ('La / del contenedor es un overlay: todo lo que cambia va a un solo directorio, el '
                                 'upperdir. Las capas de la imagen, abajo, nunca cambian.'),
    'ch.overlay_changes.hint2': ('Inicien un contenedor que siga activo, hagan los tres cambios con docker exec y miren '
                                 'el upperdir que nombra docker inspect (GraphDriver) y docker diff.'),
    'ch.overlay_changes.commands': ['docker run -d --name {overlay_container} {shell_image} sleep infinity',
                                    "docker exec {overlay_container} sh -c 'echo hola > /nuevo.txt; echo hola >> "
                                    "/etc/issue; rm /etc/issue.net'",
                                    'docker diff {overlay_container}',
                                    "sudo ls -la $(docker inspect -f '{go_upper}' {overlay_container})/etc"],
    'ch.overlay_own_mount.title': 'Su propio overlay: lowerdir, upperdir y workdir en el host',
    'ch.overlay_own_mount.todo': ('Creen cuatro directorios en el host (lower, upper, work, merged), pongan un archivo '
                                  'en lower y monten un overlay de ellos en merged, como en el artículo de Julia Evans.'),
    'ch.overlay_own_mount.hint1': ('Un overlay necesita lowerdir (solo lectura), upperdir (donde van las escrituras) y '
                                   'workdir (un directorio vacío en el mismo sistema de archivos que upperdir).'),
    'ch.overlay_own_mount.hint2': ('mount -t overlay los recibe como opciones: -o lowerdir=...,upperdir=...,workdir=...; '
                                   'necesita root: sudo donde lo tengan; sin sudo, el grupo docker es root, y un '
                                   'contenedor con --pid host puede hacer el montaje en el espacio de montajes de su '
                                   'shell (nsenter --target $$ --mount). Luego escriban en merged y miren en upper.'),
    'ch.overlay_own_mount.commands': ['mkdir -p /tmp/ov/lower /tmp/ov/upper /tmp/ov/work /tmp/ov/merged',
                                      'echo desde-lower > /tmp/ov/lower/a.txt',
                                      'docker run --rm --pid host --cap-add SYS_ADMIN --cap-add SYS_PTRACE --security-opt '
                                      'apparmor=unconfined --entrypoint nsenter {shell_image} --target $$ --mount -- mount '
                                      '-t overlay overlay -o lowerdir=/tmp/ov/lower,upperdir=/tmp/ov/upper,'
                                      'workdir=/tmp/ov/work /tmp/ov/merged   # con sudo: sudo mount -t overlay ...',
                                      'echo nuevo > /tmp/ov/merged/b.txt; ls /tmp/ov/upper',
                                      'grep /tmp/ov/merged /proc/self/mountinfo'],
    'report.group.overlay': 'El sistema de archivos overlay',
    'report.short.overlay_layers': 'capas y upperdir',
    'report.short.overlay_written': 'escritura en upperdir',
    'report.short.overlay_copied_up': 'copy-up',
    'report.short.overlay_whiteout': 'whiteout',
    'report.short.overlay_shared_lower': 'capas compartidas',
    'report.short.overlay_changes': 'cambios en upperdir',
    'report.short.overlay_own_mount': 'overlay propio',

    # Scenario scratch.
    'err.link_not_lab': ('Ya existe una interfaz de red llamada {name} que no es del laboratorio (su ifalias no es '
                         'microlab.lab=docker_internals): el laboratorio no la toca. Renómbrenla o elimínenla y vuelvan '
                         'a ejecutar el laboratorio.'),
    'err.netns_not_lab': ('Ya existe un espacio de nombres de red llamado {name} que el laboratorio no hizo: el '
                          'laboratorio no lo toca. Elimínenlo (sudo ip netns delete {name}) y vuelvan a ejecutar el '
                          'laboratorio.'),
    'ev.scratch_no_process': ('el proceso del laboratorio (unshare) no está corriendo (su estado, {state}, no nombra '
                              'ninguno vivo con la hora de inicio que registró)'),
    'ev.scratch_no_rootfs': '{path} no contiene un sistema de archivos exportado (no hay usr/lib/os-release, o no es del laboratorio)',
    'ev.scratch_other_root': ('la raíz del proceso {pid} no es {path} (readlink /proc/{pid}/root: {root}; el directorio '
                              'raíz del proceso según el kernel y {path} no son el mismo inodo)'),
    'ev.scratch_rootfs': ('{path} contiene el sistema de archivos exportado de la imagen {image}, y la raíz del proceso '
                          '{pid} (/proc/{pid}/root) es ese mismo directorio: chroot'),
    'ev.scratch_host_pid_ns': ('el proceso {pid} está en el espacio de nombres de PID del host (pid:[{inode}] en '
                               '/proc/{pid}/ns): no puede ser el PID 1'),
    'ev.scratch_not_one': 'el proceso {pid} no es el PID 1 de su espacio de nombres (NSpid: {nspid})',
    'ev.scratch_host_mnt_ns': ('el proceso {pid} es el PID 1 del espacio de nombres pid:[{inode}] pero comparte el '
                               'espacio de nombres de montajes del host: su /proc sería el del host'),
    'ev.scratch_pid_one': ('el proceso {pid} es el PID 1 de su propio espacio de nombres de PID (NSpid: {pid} 1; '
                           'pid:[{inode}], el del host es pid:[{host}]) con un espacio de nombres de montajes propio '
                           '(mnt:[{mnt}]) y su propio /proc'),
    'ev.scratch_host_uts_ns': ('el proceso {pid} comparte el espacio de nombres UTS del host (uts:[{inode}]): no tiene '
                               'nombre de host propio'),
    'ev.scratch_hostname': ('el espacio de nombres UTS del proceso {pid} (uts:[{inode}]) se llama {hostname}; el host '
                            'sigue siendo {host}'),
    'ev.scratch_host_net_ns': 'el proceso {pid} comparte el espacio de nombres de red del host (net:[{inode}])',
    'ev.scratch_place_self': 'lado del proceso',
    'ev.scratch_place_peer': 'lado del espacio de nombres vecino',
    'ev.scratch_place_alone': 'lado del espacio de nombres aislado',
    'ev.scratch_place_bridge': 'el bridge',
    'ev.scratch_link_missing': 'no existe la interfaz {name} ({place}; ip link)',
    'ev.scratch_link_down': 'la interfaz {name} ({place}) está abajo: ip link la muestra sin UP',
    'ev.scratch_link_address': 'la interfaz {name} ({place}) no tiene la dirección {address}',
    'ev.scratch_link_not_on_bridge': 'la interfaz {name} ({place}) no es un puerto del bridge {bridge}',
    'ev.scratch_link_on_bridge': 'la interfaz {name} ({place}) es un puerto del bridge {bridge}: debería quedar aparte',
    'ev.scratch_peer_unreached': 'no hubo respuesta de eco de {address} en el bridge {bridge}',
    'ev.scratch_alone_reached': '{address} respondió aunque ningún bridge lo conecta',
    'ev.scratch_network': ('el proceso {pid} tiene un espacio de nombres de red propio (net:[{inode}], el del host es '
                           'net:[{host}]); por su veth y el bridge {bridge} alcanza {peer} (respuesta de eco) y no '
                           'alcanza {alone}, cuyo veth no está en ningún bridge (sin respuesta)'),
    'ev.scratch_limit': 'el cgroup del laboratorio {path} tiene {file} {limit}, no {wanted}',
    'ev.scratch_not_in_cgroup': 'el proceso {pid} está en el cgroup {cgroup}, no en {path}, el del laboratorio',
    'ev.scratch_container_limit': 'el cgroup {path} de {name} tiene {file} {limit}, no {wanted}',
    'ev.scratch_memory': ('el proceso {pid} está en el cgroup {path}, cuyo {file} es {limit} (fijado a mano); el cgroup '
                          '{container} de {name} tiene el mismo {file}, fijado por `docker run --memory`'),
    'scratch.title': 'ESCENARIO 6 - UN CONTENEDOR DESDE CERO',
    'scratch.done': ('un contenedor sin Docker, como el de Liz Rice: el sistema de archivos de la imagen exportado a un '
                     'directorio, un proceso en espacios de nombres nuevos con chroot allí, un bridge y pares veth, '
                     'un cgroup de memoria:\n'
                     '  docker export $(docker create {shell_image}) | sudo tar -x -C {rootfs}\n'
                     '  sudo unshare --pid --mount --uts --net --fork --mount-proc={rootfs}/proc chroot {rootfs} '
                     'sleep infinity &\n'
                     '  (nombre de host {hostname} en su espacio de nombres UTS; bridge {bridge}; pares veth hacia él, '
                     'hacia {peer_ns} y hacia {alone_ns}, este último sin bridge)\n'
                     '  sudo iptables -I FORWARD -i {bridge} -o {bridge} -j ACCEPT   # como hace Docker con docker0: '
                     'la política FORWARD del motor es DROP y las tramas del bridge pasan por ella\n'
                     '  sudo mkdir {cgroup_root}{cgroup}; echo {memory} | sudo tee {cgroup_root}{cgroup}/{limit_file}\n'
                     '  docker run -d --name {name} --memory {memory_mb}m {shell_image} sleep infinity'),
    'scratch.look': ('el proceso {pid} es el PID 1 en su propio espacio de nombres de PID y se llama {hostname} en su '
                     'propio espacio de nombres UTS; su / es {rootfs}; alcanza {peer} a través del bridge {bridge} y '
                     'no alcanza {alone}; el límite de su cgroup es el que `docker run --memory {memory_mb}m` le da a '
                     '{name}.'),
    'scratch.commands': ['PID={pid}',
                         'sudo ls -l /proc/$PID/ns /proc/1/ns   # pid, mnt, uts, net: otros inodos que los del host',
                         'grep NSpid /proc/$PID/status   # su PID en el host, luego 1',
                         'sudo readlink /proc/$PID/root   # {rootfs}',
                         'sudo nsenter --target $PID --uts hostname   # {hostname}',
                         'sudo nsenter --target $PID --net ip addr show eth0',
                         'ip link show master {bridge}',
                         'sudo ip netns exec {peer_ns} ip addr show eth0',
                         "sudo nsenter --target $PID --net timeout 2 bash -c 'echo > /dev/tcp/{peer}/9'"
                         "   # «Connection refused»: hubo respuesta, así que se alcanza",
                         "sudo nsenter --target $PID --net timeout 2 bash -c 'echo > /dev/tcp/{alone}/9'"
                         "   # sin respuesta en 2 s",
                         'cat /proc/$PID/cgroup {cgroup_root}{cgroup}/{limit_file}',
                         "cat /proc/$(docker inspect -f '{go_pid}' {name})/cgroup   # luego su {limit_file}"],
    'scratch.why': ('un contenedor no es una cosa aparte: es un proceso común al que el kernel le da otros espacios '
                    'de nombres (sus propios PID, montajes, nombre de host y red), un directorio raíz que son los '
                    'archivos de una imagen y un cgroup que limita sus recursos. Docker le pide al kernel exactamente '
                    'eso; aquí se hacen las mismas llamadas con unshare, chroot, ip y una escritura bajo '
                    '/sys/fs/cgroup. Un espacio de nombres de red empieza sin interfaces: un par veth es un cable con '
                    'un extremo adentro y otro afuera, y un bridge une los extremos de afuera, como docker0; lo que no '
                    'comparte un bridge no se alcanza, que es el aislamiento de red del capítulo rehecho a mano.'),
    'scratch.cgroup_v1': ('esta VM tiene cgroup v1: el límite de memoria es memory.limit_in_bytes bajo {cgroup_root} '
                          '(con cgroup v2, la jerarquía unificada, es memory.max bajo /sys/fs/cgroup).'),
    'scratch.errata': [],
    'scratch.notes': ['La versión de Liz Rice es un programa en Go que llama a clone con las mismas banderas '
                      '(CLONE_NEWPID, CLONE_NEWNS, CLONE_NEWUTS, CLONE_NEWNET), a sethostname, a chroot y monta /proc: '
                      'unshare y chroot hacen esas llamadas desde la shell.'],
    'report.group.scratch': 'Un contenedor desde cero',
    'report.short.scratch_rootfs': 'raíz exportada',
    'report.short.scratch_pid_one': 'PID 1',
    'report.short.scratch_hostname': 'nombre de host propio',
    'report.short.scratch_network': 'veth y bridge',
    'report.short.scratch_memory': 'cgroup de memoria',

    # Scenario scratch, challenge.
    'ch.ev.scratch_no_rootfs': ('todavía no existe {path}: créenlo y desempaquen ahí el sistema de archivos de un '
                                'contenedor (docker export $(docker create IMAGEN) | tar -x -C {path})'),
    'ch.ev.scratch_rootfs_not_dir': ('{path} no es un directorio (es un enlace o un archivo): el sistema de archivos '
                                     'exportado va en un directorio'),
    'ch.ev.scratch_saved': ('{path} tiene {file}: ese es el formato de docker save, las capas de la imagen como '
                            'tarballs, no un sistema de archivos que un proceso pueda usar como raíz; docker export de '
                            'un contenedor da uno'),
    'ch.ev.scratch_rootfs_empty': ('{path} no tiene el sistema de archivos de una imagen (ni etc/os-release ni '
                                   'usr/lib/os-release): desempaquen ahí el tar de docker export'),
    'ch.ev.scratch_not_exported': ('{path} tiene un sistema de archivos pero no .dockerenv, el archivo que el motor pone '
                                   'en cada contenedor: no se exportó de un contenedor (docker export $(docker create '
                                   'IMAGEN))'),
    'ch.ev.scratch_exported': ('{path} tiene el sistema de archivos exportado de un contenedor: un os-release y el '
                               '.dockerenv que puso el motor'),
    'ch.ev.scratch_no_process': ('ningún proceso tiene {path} como raíz (el /proc/PID/root del kernel): inicien uno con '
                                 'unshare ... chroot {path}'),
    'ch.ev.scratch_host_pid': ('el proceso {pid} tiene {path} como raíz pero corre en el espacio de PID del host '
                               '(NSpid: {nspid}): chroot cambia solo la raíz, no lo que ve el proceso; unshare --pid '
                               '--fork le da un espacio de PID propio'),
    'ch.ev.scratch_not_pid_one': ('el proceso {pid} tiene {path} como raíz y un espacio de PID propio, pero no es su '
                                  'PID 1 (NSpid: {nspid}): unshare --pid necesita --fork, para que el hijo sea el PID 1'),
    'ch.ev.scratch_host_mnt': ('el proceso {pid} es el PID 1 de su propio espacio de PID pero comparte el espacio de '
                               'montajes del host (mnt:[{inode}]): denle --mount (y --mount-proc para su propio /proc)'),
    'ch.ev.scratch_host_uts': ('el proceso {pid} es el PID 1 de su propio espacio de PID pero comparte el espacio UTS '
                               'del host (uts:[{inode}]): denle --uts, para que pueda tener un nombre de host propio'),
    'ch.ev.scratch_host_net': ('el proceso {pid} es el PID 1 de su propio espacio de PID pero comparte el espacio de '
                               'red del host (net:[{inode}]): denle --net'),
    'ch.ev.scratch_same_hostname': ('el proceso {pid} tiene un espacio UTS propio, pero su nombre de host sigue siendo '
                                    '{hostname} (el del host es {host}): pónganle uno adentro (hostname container)'),
    'ch.ev.scratch_unshared': ('el proceso {pid} tiene {path} como raíz y es el PID 1 de su propio espacio de PID, en '
                               'espacios de montajes, UTS y red que no son los del host; se llama {hostname}, el host '
                               '{host}'),
    'ch.ev.scratch_needs_unshared': ('primero el paso {step} de este escenario: todavía ningún proceso con raíz en el '
                                     'directorio exportado es PID 1 de espacios de nombres propios'),
    'ch.ev.scratch_no_veth': ('el proceso {pid} no tiene ninguna veth en su espacio de red (tiene {links}): unshare --net '
                              'le deja solo `lo`; creen un par veth en el host y muevan un extremo adentro (ip link set '
                              'EXTREMO netns {pid})'),
    'ch.ev.scratch_veth_down': ('la {name} del proceso {pid} está apagada: ip link set {name} up dentro de su espacio de '
                                'red (nsenter --target {pid} --net)'),
    'ch.ev.scratch_veth_no_address': ('la {name} del proceso {pid} está activa pero no tiene dirección IPv4: ip addr add '
                                      'DIRECCIÓN/24 dev {name} dentro de su espacio de red'),
    'ch.ev.scratch_peer_not_host': ('la {name} del proceso {pid} ({address}) es una veth cuyo otro extremo no está en el '
                                    'host (quedó en el espacio del proceso o se fue a otro): creen el par en el host y '
                                    'muevan adentro solo un extremo'),
    'ch.ev.scratch_peer_down': ('la {name} del proceso {pid} ({address}) está unida a {peer} en el host, pero {down} está '
                                'apagada: ip link set {down} up'),
    'ch.ev.scratch_docker_bridge': ('la {name} del proceso {pid} está unida a {peer}, que está en {bridge}, un bridge de '
                                    'Docker: la lectura rehace la red sin Docker, en un bridge propio (ip link add br0 '
                                    'type bridge)'),
    'ch.ev.scratch_peer_no_address': ('la {name} del proceso {pid} ({address}) está unida a {peer} en el host, pero '
                                      '{where} no tiene una dirección IPv4 a la que llegar: ip addr add DIRECCIÓN/24 dev '
                                      '{where}, en la misma red que {address}'),
    'ch.ev.scratch_no_echo': ('la {name} del proceso {pid} ({address}) está unida a {peer} en el host (bridge: {bridge}), '
                              'pero un eco ICMP desde su espacio de red a {target} no tuvo respuesta ({error}): ¿están '
                              'las dos direcciones en una misma red?'),
    'ch.ev.scratch_linked': ('la {name} del proceso {pid} ({address}) es un extremo de un par veth cuyo otro extremo, '
                             '{peer}, está en el host; un eco ICMP desde su espacio de red a {target} tuvo respuesta'),
    'ch.ev.scratch_linked_bridge': ('la {name} del proceso {pid} ({address}) es un extremo de un par veth cuyo otro '
                                    'extremo, {peer}, está en el bridge {bridge}; un eco ICMP desde su espacio de red a '
                                    '{target} tuvo respuesta'),
    'ch.ev.scratch_container_cgroup': ('el proceso {pid} está en {path}, el cgroup que Docker creó para el contenedor '
                                       '{name}: creen un cgroup propio bajo {root} y muevan ahí el proceso'),
    'ch.ev.scratch_not_in_cgroup': ('el proceso {pid} sigue en {path}, el cgroup de memoria de su padre, sin límite: '
                                    'muévanlo al cgroup que crearon (echo {pid} > {root}/NOMBRE/cgroup.procs)'),
    'ch.ev.scratch_no_limit': ('el proceso {pid} está en el cgroup de memoria {path}, pero su {file} dice {limit}, sin '
                               'límite: escriban uno (echo 64M > {root}{path}/{file})'),
    'ch.ev.scratch_limited': ('el proceso {pid} está en el cgroup de memoria {path}, cuyo {file} es {limit} bytes, '
                              'puesto a mano; el contenedor {name}, iniciado con `docker run --memory`, tiene el mismo '
                              'límite en su cgroup {container}'),
    'ch.ev.scratch_other_limit': ('el cgroup del proceso {pid} tiene un límite de {limit} bytes, pero el cgroup del '
                                  'contenedor {name} dice {other}: inicien uno con el mismo límite (`docker run --memory`)'),
    'ch.ev.scratch_no_memory_container': ('el cgroup del proceso {pid} tiene un límite de {limit} bytes, y ningún '
                                          'contenedor en ejecución tiene un límite de memoria en su cgroup: inicien uno '
                                          'con `docker run --memory` y el mismo número'),
    'ch.scratch_exported.title': 'El sistema de archivos de una imagen exportado a un directorio',
    'ch.scratch_exported.todo': ('Exporten el sistema de archivos de un contenedor de la imagen del laboratorio '
                                 '({shell_image}) y desempáquenlo en /var/tmp/rootfs, como el contenedor de Liz Rice '
                                 'toma su raíz de un directorio.'),
    'ch.scratch_exported.hint1': ('Una imagen son capas; un contenedor de ella tiene un solo sistema de archivos, las '
                                  'capas unidas. docker export escribe ese sistema de archivos como un tar (docker save '
                                  'escribe las capas).'),
    'ch.scratch_exported.hint2': ('docker create crea un contenedor sin iniciarlo e imprime su ID; pásenselo a docker '
                                  'export y desempaquen el tar con tar -x -C /var/tmp/rootfs. Con su usuario, tar no '
                                  'puede crear los archivos de dispositivo de /dev: esos mensajes son esperables.'),
    'ch.scratch_exported.commands': ['mkdir -p /var/tmp/rootfs',
                                     'docker export $(docker create {shell_image}) | tar -x -C /var/tmp/rootfs',
                                     'ls -a /var/tmp/rootfs'],
    'ch.scratch_unshared.title': 'Un proceso en espacios de nombres propios, con chroot en ese directorio',
    'ch.scratch_unshared.todo': ('Inicien un proceso (sleep) con unshare en espacios de PID, montajes, UTS y red '
                                 'nuevos, con chroot en /var/tmp/rootfs, PID 1 de su espacio y con un nombre de host '
                                 'propio (container), y déjenlo corriendo.'),
    'ch.scratch_unshared.hint1': ('Un contenedor es un proceso: unshare le da espacios de nombres nuevos (--pid, '
                                  '--mount, --uts, --net; --fork para que su hijo sea el PID 1, --mount-proc para su '
                                  'propio /proc), chroot le da el directorio como raíz y hostname le pone nombre dentro '
                                  'de su espacio UTS.'),
    'ch.scratch_unshared.hint2': ('unshare y chroot necesitan root: sudo donde lo tengan; sin sudo, el grupo docker es '
                                  'root, y un contenedor con --pid host puede ejecutarlos en el espacio de montajes de '
                                  'su shell (nsenter --target $$ --mount; ese contenedor no necesita red: --network '
                                  'none). Antes de chroot, desmonten los montajes de espacios de red del host que el '
                                  'nuevo espacio de montajes copió (findmnt -t nsfs, umount -l): retenido ahí, el '
                                  'espacio de red de un contenedor eliminado seguiría vivo con su dirección. Terminen '
                                  'con exec sleep infinity, para que siga activo.'),
    'ch.scratch_unshared.commands': ['docker run -d --network none --pid host --cap-add SYS_ADMIN --cap-add SYS_PTRACE '
                                     '--security-opt apparmor=unconfined --entrypoint nsenter {shell_image} --target $$ '
                                     '--mount -- '
                                     'unshare --pid --mount --uts --net --fork --mount-proc=/var/tmp/rootfs/proc sh -c '
                                     '\'findmnt -rn -t nsfs -o TARGET | xargs -r -n1 umount -l; exec chroot '
                                     '/var/tmp/rootfs sh -c "hostname container; exec sleep infinity"\'   # con sudo: '
                                     'sudo unshare ...',
                                     'sleep 1; ps -o pid,args -C sleep'],
    'ch.scratch_linked.title': 'Un par veth que llega al proceso desde el host',
    'ch.scratch_linked.todo': ('Denle una red al proceso con unshare, como Liz Rice sin Docker: un par veth creado con ip '
                               'en el host, un extremo movido al espacio de red del proceso, activo y con una dirección '
                               'IPv4; el otro extremo en el host (o en un bridge de ustedes) con una dirección en la '
                               'misma red, para que el proceso llegue a él.'),
    'ch.scratch_linked.hint1': ('Un par veth es un cable con dos extremos: lo que entra por uno sale por el otro. unshare '
                                '--net le dejó al proceso solo `lo`; un extremo del par va adentro, el otro queda en el '
                                'host, solo o en un bridge (el switch docker0 es para los contenedores de Docker).'),
    'ch.scratch_linked.hint2': ('ip link add veth0 type veth peer name veth1 crea el par; ip link set veth1 netns PID '
                                'mueve un extremo al espacio del proceso PID (pgrep lo encuentra: el hijo de unshare); '
                                'adentro (nsenter --target PID --net) denle una dirección y actívenlo, igual que el '
                                'extremo del host. ip necesita root: el grupo docker lo es, con --network host para la '
                                'red del host. lab check envía el eco por su cuenta.'),
    'ch.scratch_linked.commands': ['PID=$(pgrep -n -P "$(pgrep -d, -x unshare)")',
                                   'docker run --rm --network host --pid host --cap-add NET_ADMIN --cap-add SYS_ADMIN '
                                   '--cap-add SYS_PTRACE --security-opt apparmor=unconfined --entrypoint nsenter '
                                   '{shell_image} --target $$ --mount -- sh -c "ip link add br0 type bridge; ip addr add '
                                   '10.10.0.1/24 dev br0; ip link set br0 up; ip link add veth0 type veth peer name '
                                   'veth1; ip link set veth0 master br0 up; ip link set veth1 netns $PID; nsenter '
                                   '--target $PID --net sh -c \'ip addr add 10.10.0.2/24 dev veth1; ip link set veth1 '
                                   'up\'"   # con sudo: sudo ip link add ...',
                                   'docker run --rm --pid host --cap-add SYS_ADMIN --cap-add SYS_PTRACE --security-opt '
                                   'apparmor=unconfined --entrypoint nsenter {shell_image} --target $$ --mount -- '
                                   'nsenter --target $PID --net ip -4 addr'],
    'ch.scratch_limited.title': 'Un límite de memoria puesto a mano, y el mismo con `docker run --memory`',
    'ch.scratch_limited.todo': ('Creen un cgroup de memoria propio bajo /sys/fs/cgroup, pónganle un límite (64M) a mano, '
                                'muevan ahí el proceso con unshare, e inicien un contenedor con `docker run --memory` del '
                                'mismo límite: su cgroup muestra el mismo número.'),
    'ch.scratch_limited.hint1': ('Un cgroup es un directorio de /sys/fs/cgroup: mkdir crea uno, sus archivos son su '
                                 'configuración (memory.limit_in_bytes en cgroup v1, bajo memory/; memory.max en v2), y '
                                 'escribir un PID en su cgroup.procs mueve ese proceso adentro. `docker run --memory` '
                                 'escribe el mismo archivo en el cgroup del contenedor.'),
    'ch.scratch_limited.hint2': ('Escribir ahí necesita root: el grupo docker lo es, en un contenedor con --pid host en '
                                 'los espacios de montajes y de cgroups de su shell (nsenter --target $$ --mount '
                                 '--cgroup: con cgroup v2 un proceso solo se mueve desde un espacio de cgroups que '
                                 'contiene ambos cgroups). /proc/PID/cgroup dice en qué cgroup está un proceso, el de '
                                 'ustedes y el del contenedor.'),
    'ch.scratch_limited.commands': ['PID=$(pgrep -n -P "$(pgrep -d, -x unshare)")',
                                    'docker run --rm --pid host --cap-add SYS_ADMIN --cap-add SYS_PTRACE --security-opt '
                                    'apparmor=unconfined --entrypoint nsenter {shell_image} --target $$ --mount --cgroup '
                                    '-- sh -c \'cd /sys/fs/cgroup/memory 2>/dev/null || cd /sys/fs/cgroup; mkdir -p scratch; '
                                    'for f in memory.limit_in_bytes memory.max; do [ ! -e scratch/$f ] || echo 64M > '
                                    'scratch/$f; done; echo $0 > scratch/cgroup.procs\' $PID   # con sudo: sudo mkdir '
                                    '...',
                                    'docker run -d --memory 64m {shell_image} sleep infinity',
                                    'cat /proc/$PID/cgroup'],
    'report.short.scratch_exported': 'raíz exportada',
    'report.short.scratch_unshared': 'proceso con unshare',
    'report.short.scratch_linked': 'veth hacia el host',
    'report.short.scratch_limited': 'límite de memoria a mano',

    # Reinicio.
    'reset.text': ('REINICIO DEL LABORATORIO{dry}\n'
                   'Contenedores del laboratorio: {containers}\n'
                   'Redes del laboratorio: {networks}\n'
                   'Directorios que creó el laboratorio (con lo que se escribió en ellos): {directories}\n'
                   'Solo se borra lo que lleva las etiquetas del laboratorio y los directorios que creó; sus '
                   'contenedores, redes, imágenes y directorios se quedan. Compruébenlo:\n'
                   '  docker ps -a --filter label=microlab.lab.scenario\n'
                   '(No ejecuten `docker rm -f $(docker ps -aq)`: borra TODOS los contenedores, también los que no '
                   'son del laboratorio.)'),
    'reset.dry': ' (simulación: no se borra nada)',
    'reset.none_containers': 'ninguno',
    'reset.none_networks': 'ninguna',
    'reset.none_directories': 'ninguno',

    # Fallas de los roles y filtros.
    'err.container_not_lab': ('Ya existe un contenedor llamado {name} que no es del laboratorio (no tiene la etiqueta '
                              'microlab.lab), así que el laboratorio no lo va a reemplazar. Renómbrenlo (docker rename '
                              '{name} {name}-mio) o denle otro nombre al contenedor del laboratorio.'),
    'err.network_not_lab': ('Ya existe una red llamada {name} que no es del laboratorio (no tiene la etiqueta '
                            'microlab.lab), así que el laboratorio no la va a cambiar. Bórrenla o renómbrenla, o pongan '
                            'otro nombre en lab_network_name.'),
    'err.dir_is_link': ('{path} es un enlace simbólico: el laboratorio crea sus directorios y nunca sigue un enlace. '
                        'Borren el enlace o elijan otra ruta para el directorio del escenario.'),
    'err.dir_not_dir': ('{path} existe y no es un directorio, así que el laboratorio no lo va a usar. Bórrenlo o '
                        'elijan otra ruta para el directorio del escenario.'),
    'err.outcome_failed': '{scenarios}: {ids} no pasó (vean la evidencia de arriba).',
    'err.outcomes_failed': '{scenarios}: {ids} no pasaron (vean la evidencia de arriba).',
    'err.input': 'La configuración del laboratorio no es válida, no se cambió nada: {problems}',
    'input.range': '{name} tiene que ser un número entero de {low} a {high} (se recibió {value}).',
    'input.container_name': ('{name} tiene que ser un nombre de contenedor de Docker: letras, dígitos, _ . - '
                             '(se recibió {value}).'),
    'input.network_name': ('{name} tiene que ser el nombre de una red de Docker nueva, no vacío y distinto de bridge, '
                           'host, none o default (se recibió {value}).'),
    'input.distinct': '{names} tienen que ser nombres de contenedor distintos (se recibió {value}).',
    'input.absolute_path': ('{name} tiene que ser la ruta absoluta de un directorio propio, como '
                            '/var/lib/microlab/users (se recibió {value}).'),
    'input.text': '{name} tiene que ser un texto, no una lista ni un diccionario.',
    'input.nonempty': '{name} tiene que ser un texto no vacío (se recibió {value}).',
    # Challenge mode.
    'ch.ev.no_container': 'no hay ningún contenedor en marcha: inicien uno que siga corriendo (docker ps no muestra ninguno)',
    'ch.ev.no_uid': 'ningún contenedor en marcha tiene todos sus procesos con el UID {uid} del host: {seen}',
    'ch.ev.network_missing': 'no existe ninguna red llamada {network} (docker network ls)',
    'ch.ev.network_exists': '{network} existe (driver {driver}, subred {subnet}, bridge del host {bridge})',
    'ch.ev.by_lab': '{evidence} (lo hizo el laboratorio con `lab solve`, no ustedes)',
    'ch.ev.run_uid': '{name} ({image}: {command}), iniciado el {at}, corrió con el UID {uid} del host',
    'ch.ev.server_host_network': ('{name} corre con --network host: comparte el namespace de red del host en lugar de '
                                  'tener uno propio; ejecútenlo sin --network'),
    'ch.ev.server_published': ('{name} publica {ports} con -p: así docker-proxy escucha por él en el host; ejecútenlo '
                               'sin -p'),
    'ch.ev.server_not_nginx': '{name} ejecuta {commands}, no nginx: inícienlo con la imagen de nginx',
    'ch.ev.network_driver': ('{network} usa el driver {driver}: solo cuenta una red bridge (docker network create '
                             '{network}, cuyo driver por defecto es bridge)'),
    'ch.ev.network_internal': ('{network} se creó con --internal: no tiene ninguna salida, así que un tiempo agotado '
                               'ahí no dice nada de cómo se aíslan los bridges entre sí; créenla sin --internal'),
    'ch.ev.probe_in': 'el curl del laboratorio en el namespace de red de {client}',
    'ch.ev.probe_on': 'el curl del laboratorio en {network}',
    'ch.ev.probe': '{where}, GET {url}: {what}',
    'ch.ev.probe_not_run': '{where} no pudo ejecutarse: {error}',
    'ch.ev.run_curl': ('{name} ({image}: {command}), iniciado el {at}, solo en {network}: código de salida {rc} de curl '
                       'hacia {ip}'),
    'ch.ev.no_curl_run': ('{seen}, pero ustedes todavía no lo ejecutaron: ejecuten curl hacia {ip} desde un contenedor '
                          'conectado solo a {network} (el comando `docker run --rm ...` del capítulo)'),
    'ch.ev.side_live': '{client} tiene {ip} en {network} (subred {subnet})',
    'ch.ev.side_run': '`{command}` en {name} ({image}), iniciado el {at}, mostró {ip} en {network} (subred {subnet})',
    'ch.ev.no_side': ('ningún contenedor conectado solo a {network} mostró su dirección: ejecuten `ip a` en uno (`docker '
                      'run --rm --network {network} IMAGEN ip a`)'),
    'ch.users_root.title': 'Un contenedor cuyo proceso corre como root (UID 0) en el host',
    'ch.users_root.todo': ('Inicien un contenedor sin --user (sirve sleep 500) y busquen su proceso en el ps del '
                           'host.'),
    'ch.users_root.hint1': ('Un contenedor es un proceso de este mismo kernel. Sin --user corre con el usuario de la '
                            'imagen, casi siempre root: también UID 0 en el host.'),
    'ch.users_root.hint2': ('`docker run -d` lo inicia en segundo plano y sleep lo mantiene vivo; después busquen sleep '
                            'en la tabla de procesos del host (ps).'),
    'ch.users_root.commands': ['docker run -d {shell_image} sleep 500',
                               'ps -o user,uid,pid,args -C sleep'],
    'ch.users_uid.title': 'Un contenedor cuyo proceso corre con el UID {uid} en el host',
    'ch.users_uid.todo': 'Inicien un contenedor con --user {uid} (sirve sleep 500) y encuentren el UID {uid} en el ps del host.',
    'ch.users_uid.hint1': ('--user fija el UID con el que corre el proceso del contenedor. El kernel solo conoce '
                           'números: no hace falta que exista ningún usuario {uid}.'),
    'ch.users_uid.hint2': 'El mismo comando del paso anterior, con --user {uid} antes del nombre de la imagen.',
    'ch.users_uid.commands': ['docker run -d --user {uid} {shell_image} sleep 500',
                              'ps -o user,uid,pid,args -C sleep   # UID {uid}'],
    'ch.nginx_netns.title': '{server} corre nginx, escuchando en :{port} en su propio namespace de red',
    'ch.nginx_netns.todo': ('Inicien nginx en un contenedor llamado {server} (sin -p) y miren los sockets de su '
                            'namespace de red.'),
    'ch.nginx_netns.hint1': 'Cada contenedor tiene su propio namespace de red: sus propias interfaces y sus propios sockets.',
    'ch.nginx_netns.hint2': ('--name {server} le da el nombre al contenedor; la imagen de nginx inicia nginx sola. El '
                             'PID que muestra docker inspect lleva a su namespace: /proc/PID/net/tcp, o nsenter con sudo.'),
    'ch.nginx_netns.commands': ['docker run -d --name {server} {nginx_image}',
                                "PID=$(docker inspect -f '{go_pid}' {server})",
                                'sudo nsenter -t "$PID" -n ss -tln   # adentro: 0.0.0.0:{port}',
                                'grep -i ":{port_hex} 00000000:0000 0A" /proc/$PID/net/tcp   # lo mismo sin sudo'],
    'ch.nginx_not_on_host.title': 'Nada escucha en :{port} en el namespace de red propio del host',
    'ch.nginx_not_on_host.todo': 'Ejecuten ss -tln en el host: el :{port} de nginx no tiene que aparecer (no lo publiquen con -p).',
    'ch.nginx_not_on_host.hint1': 'El host tiene su propio namespace de red; los sockets del contenedor no están en él.',
    'ch.nginx_not_on_host.hint2': ('Con -p {port}:{port}, docker-proxy escucharía en el :{port} del host. Si {server} se '
                                   'inició con -p, bórrenlo y vuelvan a iniciarlo sin -p.'),
    'ch.nginx_not_on_host.commands': ['ss -tln   # aquí no aparece :{port}',
                                      'docker rm -f {server} && docker run -d --name {server} {nginx_image}   # solo si tenía -p'],
    'ch.nginx_by_ip.title': 'El host llega a {server} por su dirección IP',
    'ch.nginx_by_ip.todo': 'Busquen la dirección IP de {server} y pídanle una página a nginx desde el host.',
    'ch.nginx_by_ip.hint1': ('Un contenedor en el bridge por defecto tiene una dirección en la subred de docker0, a la '
                             'que el host llega directamente: no hace falta -p.'),
    'ch.nginx_by_ip.hint2': 'docker inspect muestra la IP del contenedor; después pregúntenle con curl desde el host.',
    'ch.nginx_by_ip.commands': ["IP=$(docker inspect -f '{go_ip}' {server})",
                                'curl -I "http://$IP/"   # HTTP/1.1 200 OK'],
    'ch.network_created.title': 'Existe la red bridge definida por el usuario {network}',
    'ch.network_created.todo': 'Creen una red bridge definida por el usuario (el driver por defecto) llamada {network}.',
    'ch.network_created.hint1': 'Cada red bridge de Docker es un bridge distinto en el host, con su propia subred.',
    'ch.network_created.hint2': 'docker network create crea una; docker network ls las lista.',
    'ch.network_created.commands': ['docker network create {network}',
                                    'docker network ls'],
    'ch.network_bridge_200.title': 'Un contenedor en el bridge por defecto recibe HTTP 200 de {server}',
    'ch.network_bridge_200.todo': ('Desde un contenedor en el bridge por defecto, pídanle su página a {server} por su IP '
                                   'con curl.'),
    'ch.network_bridge_200.hint1': 'Los contenedores de un mismo bridge se alcanzan entre sí por dirección IP.',
    'ch.network_bridge_200.hint2': ('Inicien un contenedor de curl que solo duerma (--entrypoint sleep ... infinity) y '
                                    'ejecuten curl adentro con docker exec.'),
    'ch.network_bridge_200.commands': ['docker run -d --name {bridge_client} --entrypoint sleep {curl_image} infinity',
                                       'docker exec {bridge_client} curl -sI -m {timeout} {url}'],
    'ch.network_lonely_timeout.title': 'A un contenedor en {network} se le agota el tiempo al preguntarle a {server}',
    'ch.network_lonely_timeout.todo': ('Desde un contenedor conectado solo a {network}, pregúntenle con curl a la IP de '
                                       '{server}: se tiene que agotar el tiempo, no ser rechazada.'),
    'ch.network_lonely_timeout.hint1': ('Docker descarta en silencio el tráfico entre bridges distintos: la petición '
                                        'espera hasta que curl se rinde.'),
    'ch.network_lonely_timeout.hint2': ('Como en el paso anterior, con --network {network}. El código de salida 28 de curl '
                                        'es tiempo agotado; 7 sería rechazada.'),
    'ch.network_lonely_timeout.commands': [
        'docker run -d --name {lonely_client} --network {network} --entrypoint sleep {curl_image} infinity',
        'docker exec {lonely_client} curl -sI -m {timeout} {url}; echo "código de salida $?"   # 28: tiempo agotado'],
    'ch.networks_differ.title': 'Los dos contenedores están en redes y subredes distintas',
    'ch.networks_differ.todo': ('Miren las interfaces adentro de un contenedor de cada red (ip a): dos subredes '
                                'distintas.'),
    'ch.networks_differ.hint1': 'Cada red es su propia subred: comparen las direcciones adentro de cada contenedor.',
    'ch.networks_differ.hint2': 'docker exec CONTENEDOR ip a, una vez por red; docker network inspect muestra cada subred.',
    'ch.networks_differ.commands': ['docker exec {bridge_client} ip address',
                                    'docker exec {lonely_client} ip address',
                                    "docker network inspect -f '{go_subnet}' bridge {network}"],
    'ch.usage': ['Uso: lab [--lang es|en] COMANDO',
                 '  lab status [--json]   los pasos, cada uno hecho o por hacer, y qué sigue',
                 '  lab check [PASO]      revisa los pasos (sale con 0: pasan todos, 1: todavía no)',
                 '  lab hint [PASO]       una pista más para el paso (la última: los comandos exactos)',
                 '  lab solve [PASO]      el laboratorio hace el paso por ustedes (queda registrado así)',
                 '  lab reset [--yes]     borra lo que hizo el laboratorio y, si ustedes dicen que sí, los objetos del capítulo',
                 '  lab ayuda "MENSAJE"   levanten la mano: el instructor ve el MENSAJE y su paso en el reporte de la clase',
                 '  lab ayuda --listo     bajen la mano',
                 'Pasos: {steps}'],
    'ch.err.unknown_step': 'No existe el paso "{step}". Los pasos son: {steps}.',
    'ch.err.unknown_command': 'No existe el comando "{command}": usen status, check, hint, solve, reset o ayuda.',
    'ch.err.unknown_option': '"{option}" no es una opción de lab aquí (lab --help las muestra).',
    'ch.err.bad_lang': '--lang acepta `es` o `en` (se recibió "{value}").',
    'ch.err.no_command': 'Digan qué hacer: lab status, lab check, lab hint, lab solve, lab reset o lab ayuda.',
    'ch.hand.raised': ('Levantaron la mano (desde las {time} UTC): "{message}". El instructor la ve en el reporte de '
                       'la clase; lab ayuda --listo la baja.'),
    'ch.hand.lowered': 'Bajaron la mano.',
    'ch.hand.none': 'No tenían la mano levantada.',
    'ch.hand.status': 'Mano levantada desde las {time} UTC: "{message}" (lab ayuda --listo la baja).',
    'ch.hand.err.empty': 'Digan en qué necesitan ayuda, entre comillas: lab ayuda "mensaje".',
    'ch.hand.err.too_long': 'El mensaje tiene {length} caracteres; caben como máximo {limit}.',
    'ch.hand.err.character': ('El mensaje tiene un carácter que el laboratorio no muestra ({code}: de control, de '
                              'dirección o un salto de línea): escríbanlo en una sola línea.'),
    'ch.hand.err.not_saved': 'No se pudo guardar la mano en {path} ({error}).',
    'ch.err.usage': 'Así no se usa lab (lab --help muestra cómo).',
    'ch.err.config': ('No se puede leer la configuración del laboratorio en {path} ({error}): preparen esta VM con '
                      'ansible-playbook lab.yml -e lab_mode=challenge.'),
    'ch.err.docker_denied': ('Su cuenta no puede usar Docker ({error}): tiene que estar en el grupo docker (después de '
                             'agregarla, cierren la sesión y vuelvan a entrar).'),
    'ch.err.name_taken': ('Existe un contenedor detenido llamado {name} que no es del laboratorio: inícienlo ustedes '
                          '(docker start {name}) o renómbrenlo (docker rename {name} {name}-mio).'),
    'ch.err.no_docker_cli': 'El comando docker no está instalado en esta VM.',
    'ch.err.command_failed': 'Este comando falló (código de salida {rc}): {command}\n{stderr}',
    'ch.err.not_saved': 'Aviso: no se pudo guardar su progreso en {path} ({error}).',
    'ch.label.todo': 'Qué hacer:',
    'ch.label.next': 'Sigue: {step}, {title}. ¿Atascados? lab hint {step}',
    'ch.label.command': '$ {command}',
    'ch.check.line': '[{status}] {step}: {title}',
    'ch.check.all_pass': 'Pasan los {total} pasos. ¡Muy bien!',
    'ch.check.summary': 'Pasan {passed} de {total} pasos.',
    'ch.check.new': 'Pasan por primera vez: {steps}.',
    'ch.status.done': 'hecho',
    'ch.status.earlier': 'hecho antes, ahora no',
    'ch.status.todo': 'por hacer',
    'ch.status.line': '{mark} {step:<24} {state}{extra}',
    'ch.status.solved': ', lo resolvió el laboratorio',
    'ch.status.hints': ', {hints} pista(s)',
    'ch.status.all_done': 'Todos los pasos están hechos.',
    'ch.timeline.title': 'Lo que ejecutaron en esta sesión (UTC; registrado del motor en el momento):',
    'ch.timeline.line': '  {time}  {name:<20} {image:<34} {user:<6} {networks:<16} {command}  [{end}]{lab}',
    'ch.timeline.earlier': '  ... y {count} ejecución(es) anterior(es)',
    'ch.timeline.none': 'Todavía no hay ningún contenedor registrado en esta sesión.',
    'ch.timeline.unavailable': 'No se puede leer el registro de lo que ejecutaron ({error}): tal vez el registrador del laboratorio está detenido.',
    'ch.timeline.image_user': 'imagen',
    'ch.timeline.not_started': 'sin iniciar',
    'ch.timeline.running': 'en ejecución',
    'ch.timeline.ended': 'terminado',
    'ch.timeline.exit': 'código de salida {code}',
    'ch.timeline.lab': '  (lo creó el laboratorio)',
    'ch.hint.header': 'Pista {n} de {total} para {step} ({title}):',
    'ch.hint.more': 'Otra pista: lab hint {step}',
    'ch.hint.last': 'Esa fue la última pista; lab solve {step} hace el paso por ustedes.',
    'ch.hint.all_pass': 'Pasan todos los pasos: no hace falta ninguna pista. Igual, lab hint PASO les da las pistas de un paso.',
    'ch.solve.already': '{step} ya pasa: no hay nada que hacer.',
    'ch.solve.nothing': 'Pasan todos los pasos: no hay nada que resolver.',
    'ch.solve.running': 'El laboratorio hace {step} ({title}) con estos comandos:',
    'ch.solve.done': '{step} pasa ahora, lo resolvió el laboratorio: {evidence}',
    'ch.solve.failed': '{step} todavía no pasa: {evidence}',
    'ch.reset.removed': 'Se borró lo que hizo el laboratorio: {names}.',
    'ch.reset.lab_none': 'El laboratorio no había hecho nada en esta VM.',
    'ch.reset.ask': '¿Borrar también los objetos del capítulo que hicieron ustedes ({names})? [s/N] ',
    'ch.reset.yes': ['s', 'si', 'sí', 'y', 'yes'],
    'ch.reset.kept': 'Se conservó: {names}.',
    'ch.reset.done': ('Listo. No se tocó nada más de ustedes. Empieza una sesión nueva: lab check cuenta solo lo que '
                      'ejecuten de aquí en adelante.'),
    'ch.start': ('El modo desafío está listo en {host}: todavía no existe ningún contenedor ni red del laboratorio. '
                 'Entren con su cuenta y escriban los comandos del capítulo; lab status muestra los pasos, lab check los '
                 'revisa, lab hint ayuda y lab solve hace un paso por ustedes.'),
    'input.host_list': '{name} tiene que ser una lista YAML de nombres de hosts del inventario (se recibió {value}).',
    'input.unknown_hosts': '{name} nombra hosts que no están en el inventario: {hosts}.',
    'input.above_zero': '{name} tiene que ser un número mayor que 0 (se recibió {value}).',
    'input.group_name': '{name} tiene que ser el nombre de un grupo de Linux, como docker (se recibió {value}).',
    'input.at_least': '{name} tiene que ser un número entero, {low} o más (se recibió {value}).',
    'input.mapping': '{name} tiene que ser un diccionario de YAML (se recibió {value}).',
    'input.accounts': '{name} tiene que ser una lista de YAML con nombres de cuentas (se recibió {value}).',
    'input.apt_packages': '{name} tiene que ser una lista de YAML con nombres de paquetes (se recibió {value}).',
    'input.debian_packages': ('{name} tiene que listar nombres de paquetes de Debian (minúsculas, dígitos, +, - y ., '
                              'como nginx-light; se recibió {value}).'),
    'input.repo_url': ('{name} tiene que ser una URL http(s) como https://download.docker.com/linux '
                       '(se recibió {value}).'),
    'input.debian_suite': ('{name} tiene que ser el nombre de una versión de Debian en minúsculas, como bookworm o '
                           'trixie (se recibió {value}).'),
    'input.url': ('{name} tiene que ser una URL ({schemes}) sin espacios, comillas ni caracteres especiales de la '
                  'shell, como http://deb.debian.org/debian (se recibió {value}).'),
    'input.abs_path': ('{name} tiene que ser una ruta absoluta hecha solo de letras, dígitos y . _ - + /, como '
                       '{example} (se recibió {value}).'),
    'input.dict_with_keys': ('{names} tienen que ser diccionarios de YAML con una imagen para cada uno de {keys} '
                             '(se recibió {value}).'),
    'input.hosts_need_tls': ('{name}.hosts escucha en {hosts} sin "tlsverify": true. Cualquiera que llegue a ese '
                             'puerto es root en la VM (la API arranca contenedores privilegiados sin pedir login). '
                             'Usen solo unix://, o TLS con certificados de cliente (tlsverify, tlscacert, tlscert, '
                             'tlskey), o pongan {allow}: true en una red a la que solo ustedes lleguen.'),
    'input.http_key_url': ('{name} es http sin cifrar ({value}), y de ahí se descarga la llave de firma del '
                           'repositorio: una llave por http se puede cambiar en el camino, y con ella cada paquete '
                           'que apt instale desde ahí. Usen https://, o pongan {allow}: true para un espejo de '
                           'confianza en una red que ustedes controlen.'),
    'input.student_name': ('{name} tiene que ser un nombre de cuenta de Linux (minúsculas, dígitos, _ y -, como '
                           'mucho 32; se recibió {value}): completen la columna student del roster o {name}.'),
    'input.account_prefix': ('{name} tiene que ser el comienzo de un nombre de cuenta de Linux, como walkin '
                             '(se recibió {value}).'),
    'input.crypt_hash': ('{name} tiene que ser un hash de crypt(3) como $6$... (mkpasswd --method=sha-512), o quedar '
                         'vacío.'),
    'input.ssh_key': ('{name} tiene que ser una sola línea de llave pública (ssh-ed25519 AAAA... comentario), o quedar '
                      'vacío.'),
    'input.required_when': '{name} es obligatorio cuando {count} es mayor que 0.',
    'input.utc_time': '{name} tiene que ser una hora UTC como 2026-11-25T10:00:00Z, o estar vacío (se recibió {value}).',
    'input.shell': '{name} tiene que ser la ruta absoluta de una shell, como /bin/bash (se recibió {value}).',
    # La terminal compartida (lab_students_shared_terminal): la línea de estado del estudiante y lo que lab-watch
    # le dice al instructor. 'terminal.watched' va tal cual a la configuración de tmux: letras, espacios y . , ( ).
    'terminal.watched': 'El instructor está mirando esta terminal (solo lectura)',
    'watch.usage': ['Uso: lab-watch [-i INVENTARIO]... [--private-key ARCHIVO] [--vault-password-file ARCHIVO]',
                    '                [--ask-vault-pass] [--snapshot] [--lang es|en] ESTUDIANTE',
                    'Abre por SSH una vista de solo lectura de la terminal compartida del estudiante (Ctrl-b d sale).',
                    'Sin terminal, o con --snapshot, muestra una vez la pantalla del estudiante.'],
    'watch.err.usage': 'Así no se usa lab-watch.',
    'watch.err.bad_name': ('{value} no es un nombre de estudiante (un nombre de cuenta de Linux: minúsculas, dígitos, '
                           '_ y -, como mucho 32).'),
    'watch.err.unknown_student': 'No hay ningún estudiante {student} en el inventario ({sources}).',
    'watch.err.two_hosts': ('El estudiante {student} aparece dos veces en el inventario ({hosts}): dejen solo una fila '
                            'en la lista de la clase.'),
    'watch.err.bad_address': ('La dirección ({what}) de {student} en el inventario no es un nombre de host, una '
                              'dirección IP ni un nombre de cuenta: se rechaza, porque ssh la tomaría tal cual.'),
    'watch.err.inventory': 'No se pudo leer el inventario: {error}',
    'watch.err.no_terminal': ('{student} no tiene una terminal compartida abierta en {host}: el estudiante no entró '
                              'por SSH desde que corrió lab.yml, o lab_students_shared_terminal no es true allí.'),
    'watch.err.ssh': 'Falló ssh a {host} (código de salida {rc}).',
    'err.apt_lock': ('El bloqueo de apt/dpkg seguía tomado después de docker_host_apt_lock_timeout ({timeout} s) por: '
                     '{holders}. Esperen a que termine (unattended-upgrades y cloud-init terminan, después del '
                     'arranque) y vuelvan a correrlo, o suban docker_host_apt_lock_timeout. apt dijo: {error}'),
    # Servicios de la clase (roles/lab_class_services) y las VMs que los usan (docker_host, lab_images).
    'input.registry_mirrors': ('{name} tiene que ser una lista de YAML con URLs raíz de registros, como '
                               'http://192.0.2.10:5000, sin ruta, espacios ni caracteres especiales de la shell '
                               '(se recibió {value}).'),
    'input.insecure_registries': ('{name} tiene que ser una lista de YAML con registros en la forma host:puerto, '
                                  'como 192.0.2.10:5001, sin espacios ni caracteres especiales de la shell '
                                  '(se recibió {value}).'),
    'input.apt_proxy': ('{name} tiene que quedar vacío o ser la URL http de un proxy de apt, como '
                        'http://192.0.2.10:3142, sin ruta, espacios ni caracteres especiales de la shell '
                        '(se recibió {value}).'),
    'input.address': ('{name} tiene que quedar vacío (la dirección IPv4 por defecto de la máquina) o ser la dirección '
                      'o el nombre con que las VMs llegan a ella, como 192.0.2.10 (se recibió {value}).'),
    'input.registry_url': ('{name} tiene que ser la URL raíz de un registro, como https://registry-1.docker.io, sin '
                           'ruta (se recibió {value}).'),
    'input.registry_namespace': ('{name} tiene que ser un espacio de nombres de registro en minúsculas, dígitos y '
                                 '. _ -, como microlab (se recibió {value}).'),
    'input.apt_backend': ('{name} tiene que quedar vacío o ser la URL http(s) de un espejo de Debian, como '
                          'http://deb.debian.org/debian/, sin espacios ni caracteres especiales de la shell '
                          '(se recibió {value}).'),
    'input.different': '{names} tienen que ser todos distintos (se recibió {value}).',
    'input.image_refs': ('{name} tiene que quedar vacío o ser un diccionario de YAML con una referencia de imagen por '
                         'etiqueta para cada uno de {keys}, sin espacios ni caracteres especiales de la shell '
                         '(se recibió {value}).'),
    'input.listen_address': ('{name} tiene que quedar vacío (la dirección con que las VMs llegan a esta máquina, '
                             'o su dirección IPv4 por defecto) o ser una dirección IP de esta máquina, como '
                             '192.0.2.10; nunca 0.0.0.0 ni ::, que son todas las interfaces (se recibió {value}).'),
    'input.admin_password': ('{name} tiene que quedar vacío (se crea una contraseña y se guarda en la máquina) o ser '
                             'una contraseña sin espacios ni dos puntos.'),
    'input.image_digests': ('{name} tiene que quedar vacío o ser un diccionario de YAML de resúmenes como '
                            'sha256:<64 dígitos hexadecimales>, para algunas de las imágenes de {refs} '
                            '(se recibió {value}).'),
    'input.required_for': '{name} es obligatorio cuando {other} es {value}.',
    'class.err.not_answering': ('El servicio {service} no respondió en {url} en {timeout} s. Su registro: {log}'),
    'class.no_upstream': ('El registro de origen {upstream} no responde ({error}): la caché de Docker Hub queda '
                          'detenida (el registro de distribution en modo proxy no puede arrancar sin su origen) y '
                          'las VMs no reciben ningún espejo de registro. El registro de la clase y la caché de apt '
                          'sí funcionan. Vuelvan a correr este playbook cuando el origen responda.'),
    'class.seeded': 'Registro de la clase {registry}: subidas {pushed}; ya estaban: {present}.',
    'class.check_needs_packages': ('Ensayo (--check): esta máquina todavía no tiene todos estos paquetes: '
                                   '{packages}. Una corrida real los instala y después configura e inicia los '
                                   'servicios; el ensayo no puede simular más allá de la instalación.'),
    'class.no_archive': ('No hay archivo de imágenes en {dir} del controlador: el registro de la clase no tiene '
                         'ninguna imagen del laboratorio, y las VMs las obtienen por su camino habitual. Creen el '
                         'archivo con `{command}` y vuelvan a correr este playbook.'),
    'input.ssh_targets': ('{name} tiene que ser una lista de YAML de servidores SSH de las VMs de la clase, cada uno '
                          'host, host:puerto o [IPv6]:puerto, como 192.0.2.11 o 192.0.2.12:2222; vacía toma el grupo '
                          'lab_vms del inventario (se recibió {value}).'),
    'class.terminal_no_hosts': ('La terminal en el navegador no tiene ninguna VM a la que llegar: '
                                'lab_class_services_browser_terminal_hosts está vacía y el inventario no tiene hosts en '
                                'el grupo lab_vms. Pasen la lista de la clase (-i class.csv) o las direcciones de las '
                                'VMs.'),
    'class.terminal_no_keys': ('Ninguna VM de la clase entregó su clave de host SSH ({missing}): la terminal en el '
                               'navegador rechaza todo host del que no tiene clave, así que no llegaría a ninguna. '
                               'Enciendan las VMs y su sshd, y vuelvan a correr este playbook.'),
    'class.terminal_missing_keys': ('Estas VMs no entregaron su clave de host SSH y no se alcanzan desde la terminal '
                                    'en el navegador hasta que este playbook vuelva a correr con ellas encendidas: '
                                    '{missing}.'),
    'class.terminal_url': ('Terminal en el navegador: los estudiantes abren {url} y entran con su propia cuenta y '
                           'contraseña (Hostname: la dirección de su VM; Port: 22 salvo que la lista diga otro). Solo '
                           'llega a estos servidores SSH: {hosts}.'),
    'class.vars_file': ('Los servicios de la clase responden. Para que las VMs los usen, pasen este archivo a '
                        'lab.yml: `-e @{path}`'),
    'images.class_fallback_archive': ('El registro de la clase {registry} no entregó las imágenes del laboratorio '
                                      '({error}): las imágenes salen del archivo del controlador.'),
    'images.class_fallback_auto': ('El registro de la clase {registry} no entregó las imágenes del laboratorio '
                                   '({error}): las imágenes salen de un registro que responda o de una construcción '
                                   'sin conexión.'),
    'err.apt_lock_gone': 'un proceso que ya terminó',
    'err.apt_failed': '{task} falló: {error}',

    # Reporte de la clase (terminal y report.html).
    'report.status.pass': 'pasa',
    'report.status.fail': 'falla',
    'report.status.unreachable': 'inalcanzable',
    'report.reason.unreachable': 'no se pudo llegar a la VM: {error}',
    'report.reason.verify_error': 'la verificación se detuvo: {error}',
    'report.reason.no_outcomes': 'no se registró ningún resultado (¿corrió verify.yml en esta VM?)',
    'report.reason.failing': 'no pasan: {ids}',
    'report.reason.no_steps': 'no se evaluó ningún paso (¿corrió verify.yml en esta VM en modo desafío?)',
    'report.reason.at_step': 'en {step} (pasan {passed} de {total} pasos)',
    # A VM's data the report refuses (plugins/plugin_utils/vm_data.py), inside report.reason.verify_error.
    'report.invalid.text': 'la VM devolvió {field} que no es un texto',
    'report.invalid.mapping': 'la VM devolvió {field} que no es un diccionario',
    'report.invalid.bool': 'la VM devolvió {field} que no es verdadero ni falso',
    'report.invalid.int': 'la VM devolvió {field} que no es un número entero',
    'report.invalid.range': 'la VM devolvió {field} fuera del rango de {low} a {high}',
    'report.invalid.time': 'la VM devolvió {field} que no es una hora UTC como 2026-11-25T10:00:00Z',
    'report.invalid.too_many': 'la VM devolvió {count} entradas en {field}, más que las {limit} que conoce el laboratorio',
    'report.invalid.unknown_id': 'la VM devolvió {field} con un identificador que el laboratorio no conoce: {id}',
    'report.table.header': ['ESTUDIANTE', 'DIRECCIÓN', 'ESTADO', 'MOTIVO'],
    'report.table.stuck': '[atascado]',
    'report.table.hint_heavy': '[pistas]',
    'report.table.counts': 'pasan: {pass}, fallan: {fail}, inalcanzables: {unreachable}. Reporte: {page}',
    'report.not_all_pass': 'No todas las VMs pasaron: vean {page}',
    'report.html.default_title': 'Laboratorio: cómo funciona Docker por dentro',
    'report.html.title': '{title}: reporte de la clase',
    'report.html.generated': 'Generado el {generated}.',
    'report.html.pass': 'Pasan',
    'report.html.fail': 'fallan',
    'report.html.unreachable': 'inalcanzables',
    'report.html.vms': 'VMs en total',
    'report.html.click': 'Hagan clic en una celda para ver su evidencia.',
    'report.html.challenge': ('Modo desafío: en verde, los pasos que pasan ahora; en amarillo, los que pasaron antes y '
                              'ahora no.'),
    'report.html.stuck': 'Atascados (ningún paso nuevo en {minutes} min)',
    'report.html.hint_heavy': 'viven de pistas',
    'report.html.col.student': 'estudiante',
    'report.html.col.host': 'dirección',
    'report.html.col.status': 'estado',
    'report.html.col.steps': 'pasos',
    'report.html.col.hints': 'pistas',
    'report.html.col.solved': 'resueltos por el laboratorio',
    'report.html.col.idle': 'inactivo (min)',
    'report.html.col.attention': 'atención',
    'report.html.flag.stuck': 'atascado',
    'report.html.flag.hint_heavy': 'vive de pistas',
    'report.html.state.pass': 'pasa',
    'report.html.state.earlier': 'pasó antes',
    'report.html.state.todo': 'por hacer',
    'report.html.state.missing': 'sin revisar',
    'report.html.first_passed': 'pasó por primera vez a las {time} UTC',
    'report.html.hints': '{hints} pista(s)',
    'report.html.solved': 'lo resolvió el laboratorio',
    'input.scoring.mapping': '{name} tiene que ser un diccionario YAML como {{steps: {{users_root: 10}}, hint: 2, solved_by_lab: 10}}.',
    'input.scoring.key': '{name} tiene la clave {given}, que la tabla de puntajes no conoce: usen {keys}.',
    'input.scoring.step': '{name} tiene el paso {step}, que el laboratorio no conoce: usen {steps}.',
    'input.scoring.points': '{name} tiene que ser un número de 0 a {high} (se recibió {value}).',
    'input.one_of': '{name} tiene que ser uno de {choices} (se recibió {value}).',
    'input.later_than': '{name} ({value}) tiene que ser posterior a {other} ({start}).',
    'report.session.end_before_start': 'lab_session_end ({end}) tiene que ser posterior al inicio de la sesión ({start}); no se escribió nada.',
    'report.session.open': 'La sesión cierra a las {end} (en {minutes} min).',
    'report.session.closed': 'La sesión cerró a las {end}: los pasos logrados después no suman puntos; las notas quedaron fijas.',
    'report.grades.id.username': 'Nombre de usuario',
    'report.grades.id.email': 'Dirección de correo',
    'report.grades.id.idnumber': 'Número de ID',
    'report.grades.no_identifier': 'Fuera de grades.csv: {student} no tiene {identifier} en la lista de la clase.',
    'report.grades.demo_mode': ('lab_report_grades=true necesita el modo desafío (-e lab_mode=challenge): '
                                'una clase en modo demostración no tiene pasos que calificar. No se escribió nada.'),
    'report.grades.not_graded': 'Fuera de grades.csv: {student} no recibió nota (no se pudo llegar a la VM o verify se detuvo en ella).',
    'report.html.col.grade': 'nota',
    'report.html.grade_max': 'de {max}',
    'report.html.late': 'logrados después del cierre: {steps}',
    # The class at a glance: the raised hands, the stuck, the columns by scenario (report_glance.py).
    'report.table.hand': '[mano]',
    'report.table.hands': 'Manos levantadas, la más antigua primero:',
    'report.table.hand_line': '  {student} ({step}, {minutes} min): {message}',
    'report.group.users': 'Usuarios y UIDs',
    'report.group.nginx': 'nginx y su espacio de red',
    'report.group.network': 'Redes aisladas',
    'report.short.users_root_is_uid0': 'root es UID 0',
    'report.short.users_uid_matches': 'UID de --user',
    'report.short.users_file_owner': 'dueño de archivos',
    'report.short.users_pid_namespace': 'espacio de PIDs',
    'report.short.users_userns_remapped': 'userns-remap',
    'report.short.nginx_listens_in_netns': 'escucha en su netns',
    'report.short.nginx_absent_on_host': 'ausente en el host',
    'report.short.nginx_http_by_ip': 'HTTP por IP',
    'report.short.nginx_own_netns': 'netns propio',
    'report.short.network_bridge_http_200': 'bridge: 200',
    'report.short.network_lonely_times_out': 'lonely: sin respuesta',
    'report.short.network_interfaces_differ': 'subredes distintas',
    'report.short.network_veth_pairs': 'pares veth',
    'report.short.network_drop_rule': 'regla DROP',
    'report.short.users_root': 'contenedor root',
    'report.short.users_uid': 'UID elegido',
    'report.short.nginx_netns': 'nginx en su netns',
    'report.short.nginx_not_on_host': 'ausente en el host',
    'report.short.nginx_by_ip': 'alcanzado por IP',
    'report.short.network_created': 'red creada',
    'report.short.network_bridge_200': 'bridge: 200',
    'report.short.network_lonely_timeout': 'lonely: sin respuesta',
    'report.short.networks_differ': 'subredes distintas',
    'report.html.hands': 'Manos levantadas ({count}), la más antigua primero',
    'report.html.no_hands': 'Nadie tiene la mano levantada.',
    'report.html.stuck_list': 'Atascados ({count}), el más inactivo primero',
    'report.html.no_stuck': 'Nadie está atascado.',
    'report.html.waiting': '{time} UTC, hace {minutes} min',
    'report.html.all_done': 'todo hecho',
    'report.html.groups': 'Estudiantes que pasaron, por parte:',
    'report.html.group_passed': '{passed} de {total} con la parte completa',
    'report.html.col.step': 'paso',
    'report.html.col.message': 'mensaje',
    'report.html.col.waiting': 'esperando desde',
    'report.html.flag.hand': 'mano levantada',
}
