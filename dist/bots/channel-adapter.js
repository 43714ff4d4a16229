/** A stream for channels that show progress by editing one message (Tchap): `first` is sent, then edited. */
export async function streamByEditing(channel, address, first) {
    const id = await channel.send(address, first);
    return {
        id,
        update: (reply) => channel.update(address, id, reply),
        finish: async (reply) => {
            await channel.update(address, id, reply);
            return id;
        },
    };
}
